#!/usr/bin/env node
// fortress dashboard with SERVICES services (50 by default, each with a multilog logger) under our
// svscan, seen by Debian's chromium through playwright-core:
//   latency  from `svc -d` (or -u) being started to the browser's row changing: a MutationObserver
//            in the page stamps the change with Date.now(), the same clock this script read
//            before spawning svc; median and p99 over ROUNDS downs and ups
//   memory   the dashboard's RSS (VmRSS) with the page connected
//   idle CPU the dashboard's user+system CPU time over IDLE_S seconds (30) with nothing changing
// There is no peer to run side by side: daemontools, runit and s6 have no live view. For scale,
// a page that polled every second would show a change after 500 ms on average.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from '@fortress/test-support/browser';
import { BIN as bin, oursEnv as env, ourProgram } from './lib/paths.js';
import { cpuTicks, killUnder, rssKiB } from './lib/processes.js';
import { quantile } from './lib/stats.js';
import { runProgram, startProgram } from './lib/tree.js';
import { waitUntil as until } from './lib/wait.js';

const SERVICES = Number(process.env.SERVICES ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const IDLE_S = Number(process.env.IDLE_S ?? 30);
const fortress = ourProgram('fortress', 'fortress');

if (!existsSync(CHROMIUM)) {
  console.log(`skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
  process.exit(0);
}
const { chromium } = await import('playwright-core');

const dir = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
const scan = join(dir, 'service');
const names = Array.from({ length: SERVICES }, (_, i) => `s${String(i + 1).padStart(3, '0')}`);
for (const name of names) {
  mkdirSync(join(scan, name, 'log'), { recursive: true });
  writeFileSync(join(scan, name, 'run'), `#!/bin/sh\nexec 2>&1\necho ${name} started\nexec sleep 100000\n`, {
    mode: 0o755,
  });
  writeFileSync(join(scan, name, 'log/run'), '#!/bin/sh\nexec multilog t ./main\n', { mode: 0o755 });
}

const svstat = (dirs) =>
  runProgram([join(bin, 'svstat'), '--json', ...dirs], { env })
    .stdout.split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const svscan = startProgram([join(bin, 'svscan'), scan], { env, detached: true, cwd: dir });
let dashboard;
let context;
try {
  await until('every service up', () =>
    svstat(names.flatMap((n) => [join(scan, n), join(scan, n, 'log')])).every((s) => s.state === 'up'),
  );
  const ip = `127.${100 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 250)}.9`;
  const port = 20000 + Math.floor(Math.random() * 20000);
  dashboard = startProgram([process.execPath, fortress, 'dashboard', scan, '--ip', ip, '--port', String(port)], {
    env,
    stderr: 'pipe',
  });
  let err = '';
  dashboard.stderr.on('data', (c) => {
    err += c;
  });
  await until('the dashboard', () => err.includes(' on http://'));
  const profile = join(dir, 'chromium-profile');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://${ip}:${port}/`);
  await page.locator('#live', { hasText: /^live$/ }).waitFor();
  await page.evaluate(() => {
    window.changes = [];
    new MutationObserver((list) => {
      const now = Date.now();
      for (const m of list) {
        const td = (m.target.nodeType === 1 ? m.target : m.target.parentElement)?.closest('[data-col="state"]');
        if (td) window.changes.push({ name: td.closest('tr').dataset.name, state: td.textContent, at: now });
      }
    }).observe(document.querySelector('tbody'), { subtree: true, childList: true, characterData: true });
  });
  const latencies = [];
  const floors = [];
  for (let round = 0; round < ROUNDS; round++) {
    const name = names[(round * 7) % names.length];
    for (const [option, state] of [
      ['-d', 'down'],
      ['-u', 'up'],
    ]) {
      // The floor: when supervise rewrote supervise/status, seen by this script's own inotify watch.
      const statusAt = new Promise((resolve) => {
        const w = watch(join(scan, name, 'supervise'), (_event, file) => {
          if (file !== 'status') return;
          w.close();
          resolve(Date.now());
        });
      });
      const t0 = Date.now();
      startProgram([join(bin, 'svc'), option, join(scan, name)], { env });
      floors.push((await statusAt) - t0);
      const at = await until(`${name} ${state} on the page`, () =>
        page.evaluate(
          ([n, s, t]) => window.changes.find((c) => c.name === n && c.state.startsWith(s) && c.at >= t)?.at,
          [name, state, t0],
        ),
      );
      latencies.push(at - t0);
    }
  }
  const rss = rssKiB(dashboard.pid);
  const hz = Number(runProgram(['getconf', 'CLK_TCK']).stdout.trim()) || 100;
  const before = cpuTicks(dashboard.pid);
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  const used = (cpuTicks(dashboard.pid) - before) / hz;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${SERVICES} services (+ ${SERVICES} loggers), ${latencies.length} changes, load average ${load}`);
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| svc to row changed, median | ${quantile(latencies, 0.5)} ms |`);
  console.log(`| svc to row changed, p99 | ${quantile(latencies, 0.99)} ms |`);
  console.log(`| svc to supervise/status rewritten (the floor), median | ${quantile(floors, 0.5)} ms |`);
  console.log(`| svc to supervise/status rewritten (the floor), p99 | ${quantile(floors, 0.99)} ms |`);
  const added = latencies.map((l, i) => l - floors[i]);
  console.log(`| the dashboard's part (row minus floor), median | ${quantile(added, 0.5)} ms |`);
  console.log(`| the dashboard's part (row minus floor), p99 | ${quantile(added, 0.99)} ms |`);
  console.log(`| dashboard RSS, page connected | ${(rss / 1024).toFixed(1)} MiB |`);
  console.log(
    `| dashboard CPU idle over ${IDLE_S} s | ${used.toFixed(2)} s (${((used / IDLE_S) * 100).toFixed(2)} %) |`,
  );
} finally {
  await context?.close();
  dashboard?.kill('SIGTERM');
  process.kill(svscan.pid, 'SIGTERM');
  await until('svscan gone', () => !svscan.running, 60_000).catch(() => {});
  await killUnder(dir);
  rmSync(dir, { recursive: true, force: true });
}
