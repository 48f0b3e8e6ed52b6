#!/usr/bin/env node
// fortress's commands next to the tools they stand in for, in one run, interleaved, medians:
//   audit   `fortress audit --json` vs `ss -tulnp` (iproute2: the same listing with processes)
//   conf    `fortress conf dnscache` vs Debian's `dnscache-conf` (root only: they chown)
//   status  `fortress status` vs `svstat` (ours, Debian's) over 20 services whose supervise/ok
//           FIFOs this script holds open, so every program takes its full path.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const SERVICES = 20;
const repo = new URL('..', import.meta.url).pathname;
const node = process.execPath;
const fortress = join(repo, 'packages/fortress/bin/fortress.js');
const dir = mkdtempSync(join(tmpdir(), 'bench-fortress-'));
const scan = join(dir, 'service');
const held = [];
const status = Buffer.alloc(18);
status.writeBigUInt64BE(0x400000000000000an + BigInt(Math.floor(Date.now() / 1000)), 0);
status.writeUInt32LE(process.pid, 12);
status[17] = 0x75;
for (let i = 0; i < SERVICES; i++) {
  const sv = join(scan, `s${i}`);
  mkdirSync(join(sv, 'supervise'), { recursive: true });
  writeFileSync(join(sv, 'run'), '#!/bin/sh\nexec sleep 1000\n', { mode: 0o755 });
  const r = spawnSync('mkfifo', ['-m', '600', join(sv, 'supervise/ok')]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
  held.push(openSync(join(sv, 'supervise/ok'), constants.O_RDONLY | constants.O_NONBLOCK));
  writeFileSync(join(sv, 'supervise/status'), status);
}
const svDirs = Array.from({ length: SERVICES }, (_, i) => join(scan, `s${i}`));
const asRoot = process.getuid?.() === 0;
let confCount = 0;

const groups = [
  [
    'audit',
    [
      ['fortress audit --json', () => [node, [fortress, 'audit', '--json']]],
      ['ss -tulnp', () => ['ss', ['-tulnp']]],
    ],
  ],
  [
    'status',
    [
      ['node -e 0', () => [node, ['-e', '0']]],
      [`fortress status (${SERVICES} services)`, () => [node, [fortress, 'status', scan]]],
      [`svstat (ours, ${SERVICES})`, () => [node, [join(repo, 'packages/svc/bin/svstat.js'), ...svDirs]]],
      [`svstat (Debian, ${SERVICES})`, () => ['/usr/bin/svstat', svDirs]],
    ],
  ],
];
if (asRoot && existsSync('/usr/sbin/dnscache-conf')) {
  groups.push([
    'conf',
    [
      [
        'fortress conf dnscache',
        () => [
          node,
          [fortress, 'conf', 'dnscache', join(dir, `c${confCount++}`), '--user', 'dnscache', '--log-user', 'nobody'],
        ],
      ],
      [
        'dnscache-conf (Debian)',
        () => ['/usr/sbin/dnscache-conf', ['dnscache', 'nobody', join(dir, `c${confCount++}`), '127.0.0.1']],
      ],
    ],
  ]);
}

function timeOnce(make) {
  const [cmd, args] = make();
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // audit exits 1 when a wildcard listener exists: that is a result, not a failure.
  if (r.status !== 0 && !(r.status === 1 && args.includes('audit'))) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

try {
  console.log(`${ROUNDS} rounds, interleaved; wall time per run, median (ms)\n`);
  for (const [name, commands] of groups) {
    for (const [, make] of commands) timeOnce(make);
    const times = commands.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      commands.forEach(([, make], i) => {
        times[i].push(timeOnce(make));
      });
    }
    const base = median(times[commands.length - 1]);
    console.log(`### ${name}`);
    commands.forEach(([label], i) => {
      const m = median(times[i]);
      console.log(
        `${label.padEnd(34)} ${m.toFixed(1).padStart(8)} ms   ${(m / base).toFixed(2)} x ${commands.at(-1)[0]}`,
      );
    });
    console.log('');
  }
} finally {
  for (const fd of held) closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}
