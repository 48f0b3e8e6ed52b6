// fortress dashboard in a real browser (Debian's chromium through playwright-core), against 20
// services under our svscan (issue 15): every service in the table, `svc -d` and a log line
// reach the page without a reload, the control buttons work with the token and not without,
// and a page reached under another host name (DNS rebinding) or from another origin is refused.
// FORTRESS_SCREENSHOT=FILE also saves a screenshot of the page (packages/fortress/docs/dashboard.png).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CHROMIUM, CHROMIUM_ARGS } from '@fortress/test-support/browser';
import { waitFor } from '@fortress/test-support/wait-for';
import { ScanFixture } from './dashboard-fixture.js';
import { loopbackAddress } from './helpers.js';

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;

const fx = new ScanFixture('dashboard-browser', 20);
const ip = loopbackAddress();
const port = 20000 + Math.floor(Math.random() * 20000);
const url = `http://${ip}:${port}/`;
const TOKEN = 'browser-test-token-0123456789';
const profile = mkdtempSync(join(tmpdir(), 'fortress-test-chromium-'));
let context: import('playwright-core').BrowserContext | undefined;
let page: import('playwright-core').Page;
let other: Server | undefined;
const otherPort = port + 1;

before(async () => {
  if (skip) return;
  writeFileSync(join(fx.dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  await fx.start();
  await fx.dashboard(['--ip', ip, '--port', String(port), '--control', join(fx.dir, 'token')]);
  // Another site on the same machine, for the cross-origin test.
  other = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((resolve) => other?.listen(otherPort, ip, resolve));
  const { chromium } = await import('playwright-core');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      ...CHROMIUM_ARGS,
      // rebind.test resolves to the dashboard's address, as a DNS-rebinding attacker's name would.
      `--host-resolver-rules=MAP rebind.test ${ip}`,
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.locator('#live', { hasText: /^live$/ }).waitFor();
});

after(async () => {
  await context?.close();
  other?.close();
  await fx.stop();
  rmSync(profile, { recursive: true, force: true });
});

/** What the page shows in a locator (the DOM's text, as the live updates set it). */
async function text(locator: import('playwright-core').Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

function cell(name: string, col: string): Promise<string> {
  return text(page.locator(`tr[data-name="${name}"] [data-col="${col}"]`));
}

test('the table shows every service, with a caption, row headers and the live status', { skip }, async () => {
  assert.equal(await text(page.locator('caption')), `Services under ${fx.scan} (20)`);
  assert.deepEqual(await page.locator('tbody th[scope=row]').allTextContents(), fx.names);
  for (const name of fx.names) assert.equal(await cell(name, 'state'), 'up');
  for (const name of fx.names) assert.equal(await cell(name, 'logger'), 'up');
  const pid = fx.svstat([fx.path('s04')])[0]?.pid;
  assert.equal(await cell('s04', 'pid'), String(pid));
  assert.equal(await page.locator('#announce').getAttribute('aria-live'), 'polite');
});

test('svc -d changes the row without a reload, and svc -u brings it back', { skip }, async () => {
  const navigations: string[] = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));
  fx.svc('-d', 's05');
  // status and status.json are two files, written one after the other: the row settles on both.
  await waitFor(
    's05 down on the page',
    async () => (await cell('s05', 'state')).startsWith('down') && (await cell('s05', 'lastExit')) === 'SIGTERM',
    20_000,
  );
  assert.equal(await cell('s05', 'pid'), '–');
  assert.equal(await text(page.locator('#announce')), 's05: down normally up');
  fx.svc('-u', 's05');
  await waitFor('s05 up on the page', async () => (await cell('s05', 'state')) === 'up', 20_000);
  assert.equal(await cell('s05', 'restarts'), '1');
  assert.deepEqual(navigations, []);
});

test('a new log line appears in the row, in local time', { skip }, async () => {
  const before = fx.svstat([fx.path('s06')])[0]?.pid;
  fx.svc('-t', 's06');
  const pid = await waitFor('s06 restarted', () => {
    const now = fx.svstat([fx.path('s06')])[0]?.pid;
    return now && now !== before ? now : undefined;
  });
  const pre = page.locator('tr[data-name="s06"] td.log pre');
  const shown = await waitFor(
    'the line on the page',
    async () => {
      const t = await pre.textContent();
      return t?.includes(`s06 started pid ${pid}`) ? t : undefined;
    },
    20_000,
  );
  assert.match(shown, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{9} s06 started pid ${before}\\n`));
  assert.match(shown, new RegExp(`\\n\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{9} s06 started pid ${pid}$`));
  assert.equal(
    await text(page.locator('tr[data-name="s06"] td.log .last-line')),
    shown.slice(shown.lastIndexOf('\n') + 1),
  );
});

test('the control buttons work with the token and are refused without it', { skip }, async () => {
  const token = page.locator('#token');
  const down = page.getByRole('button', { name: 'down s07' });
  await token.fill('not-the-token');
  await token.dispatchEvent('change');
  await down.click();
  await waitFor('the refusal', async () =>
    (await text(page.locator('#control-result'))).includes('forbidden: wrong or missing X-Fortress-Token'),
  );
  assert.equal(fx.svstat([fx.path('s07')])[0]?.state, 'up');
  await token.fill(TOKEN);
  await token.dispatchEvent('change');
  await down.click();
  await waitFor('s07 down', () => fx.svstat([fx.path('s07')])[0]?.state === 'down', 20_000);
  assert.equal(await text(page.locator('#control-result')), 's07 down: sent');
  await waitFor('s07 down on the page', async () => (await cell('s07', 'state')).startsWith('down'), 20_000);
  await page.getByRole('button', { name: 'up s07' }).click();
  await waitFor('s07 up', () => fx.svstat([fx.path('s07')])[0]?.state === 'up', 20_000);
});

test('a service added to the scan directory gets a row; one moved away loses it', { skip }, async () => {
  fx.addService('s21');
  await waitFor(
    's21 up on the page',
    async () => (await page.locator('tr[data-name="s21"]').count()) === 1 && (await cell('s21', 'state')) === 'up',
    60_000,
  );
  assert.deepEqual(await page.locator('tbody th[scope=row]').allTextContents(), [...fx.names, 's21']);
  assert.equal(await text(page.locator('caption')), `Services under ${fx.scan} (21)`);
  // A dot-name is not a service (svscan and fortress status skip it too).
  renameSync(fx.path('s21'), join(fx.scan, '.s21'));
  await waitFor(
    's21 gone from the page',
    async () => (await page.locator('tr[data-name="s21"]').count()) === 0,
    30_000,
  );
  assert.equal(await text(page.locator('caption')), `Services under ${fx.scan} (20)`);
});

test('another host name for the same address (DNS rebinding) gets no page and no control', { skip }, async () => {
  const rebound = await context?.newPage();
  assert.ok(rebound);
  const response = await rebound.goto(`http://rebind.test:${port}/`);
  assert.equal(response?.status(), 403);
  const status = await rebound.evaluate(
    async ([token]) =>
      (
        await fetch('/control', {
          method: 'POST',
          headers: { 'X-Fortress-Token': token ?? '', 'Content-Type': 'application/json' },
          body: JSON.stringify({ service: 's08', command: 'down' }),
        })
      ).status,
    [TOKEN],
  );
  assert.equal(status, 403);
  await rebound.close();
  assert.equal(fx.svstat([fx.path('s08')])[0]?.state, 'up');
});

test('a page of another origin cannot send a control request, even knowing the token', { skip }, async () => {
  const elsewhere = await context?.newPage();
  assert.ok(elsewhere);
  await elsewhere.goto(`http://${ip}:${otherPort}/`);
  const outcome = await elsewhere.evaluate(
    async ([target, token]) => {
      const body = JSON.stringify({ service: 's08', command: 'down' });
      const results: string[] = [];
      try {
        // A custom header needs a CORS preflight, which the dashboard does not grant.
        const r = await fetch(`${target}control`, {
          method: 'POST',
          headers: { 'X-Fortress-Token': token ?? '' },
          body,
        });
        results.push(String(r.status));
      } catch {
        results.push('blocked');
      }
      // Without the header (a simple request, sent without preflight): refused by Origin and token.
      const r = await fetch(`${target}control`, { method: 'POST', mode: 'no-cors', body });
      results.push(r.type);
      return results;
    },
    [url, TOKEN],
  );
  assert.deepEqual(outcome, ['blocked', 'opaque']);
  await elsewhere.close();
  assert.equal(fx.svstat([fx.path('s08')])[0]?.state, 'up');
});

test('the page as a static snapshot: every row is there without the script', { skip }, async () => {
  const snapshot = await context?.newPage();
  assert.ok(snapshot && context);
  const cdp = await context.newCDPSession(snapshot);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  await snapshot.goto(url);
  assert.deepEqual(await snapshot.locator('tbody th[scope=row]').allTextContents(), fx.names);
  const states = await snapshot.locator('tbody [data-col="state"] .state').allTextContents();
  assert.deepEqual(
    states,
    fx.svstat(fx.names.map((n) => fx.path(n))).map((s) => s.state),
  );
  assert.equal(await text(snapshot.locator('#live')), 'snapshot');
  assert.equal(await snapshot.locator('#controls').isHidden(), true, 'no controls that could not work');
  await snapshot.close();
});

test('screenshot (FORTRESS_SCREENSHOT=FILE)', { skip: skip || !process.env['FORTRESS_SCREENSHOT'] }, async () => {
  // Some history for the chart: a few restarts, one service down.
  for (const name of ['s02', 's09', 's09', 's13']) {
    const before = fx.svstat([fx.path(name)])[0]?.pid;
    fx.svc('-t', name);
    await waitFor(`${name} restarted`, () => {
      const s = fx.svstat([fx.path(name)])[0];
      return s?.state === 'up' && s.pid !== before;
    });
  }
  fx.svc('-d', 's11');
  await waitFor('s11 down on the page', async () => (await cell('s11', 'state')).startsWith('down'), 20_000);
  await page.locator('#token').fill('');
  // The test's temporary scan directory would name a path of this machine: show the usual one.
  for (const selector of ['caption', 'header p', 'title'])
    await page
      .locator(selector)
      .first()
      .evaluate((el, scan) => {
        el.innerHTML = el.innerHTML.replace(scan, '/service');
      }, fx.scan);
  await page.locator('tr[data-name="s02"] td.log details').evaluate((d) => d.setAttribute('open', ''));
  await page.screenshot({ path: process.env['FORTRESS_SCREENSHOT'] ?? '', fullPage: true });
  fx.svc('-u', 's11');
});
