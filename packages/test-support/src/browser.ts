// Debian's chromium as the browser of the dashboard's tests and benchmark (through playwright-core).

export const CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and nothing of its own on the network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
