// When the image's command may start: once every service the first scan found has its ./run
// started (or is meant to be down), as s6-overlay starts CMD after its services. Readiness
// (`svwait -U`, when supervise records it) plugs in here: wait for "ready" instead of "started".

import { waitFor } from '@fortress/core/wait-for';
import type { Scanner } from '@fortress/svscan/scanner';

const { existsSync } = process.getBuiltinModule('node:fs');

export function servicesStarted(scanner: Scanner): boolean {
  for (const entry of scanner.entries.values()) {
    if (entry.stopping) continue;
    if (entry.runPid() === 0 && !existsSync(`${entry.dir}/down`)) return false;
  }
  return true;
}

/** Resolves once they are, or after `maxMs` (0: at once). */
export async function waitForServices(scanner: Scanner, maxMs: number): Promise<void> {
  if (maxMs <= 0) return;
  await waitFor('the services to start', () => servicesStarted(scanner), maxMs).catch(() => {});
}
