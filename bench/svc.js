#!/usr/bin/env node
// Start-up cost of svc, svstat and svok: ours next to Debian's originals and a bare `node -e 0`,
// in one run, interleaved. Target (issue 2): svc and svstat wall time <= 1.5 x `node -e 0`.
// The service directory is a fake one whose supervise/ok and supervise/control FIFOs this script
// holds open for reading, so every program takes its full success path.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const repo = new URL('..', import.meta.url).pathname;
const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'bench-svc-'));
const sv = join(dir, 'sv');
mkdirSync(join(sv, 'supervise'), { recursive: true });
for (const fifo of ['ok', 'control']) {
  const r = spawnSync('mkfifo', ['-m', '600', join(sv, 'supervise', fifo)]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}
const okFd = openSync(join(sv, 'supervise/ok'), constants.O_RDONLY | constants.O_NONBLOCK);
const controlFd = openSync(join(sv, 'supervise/control'), constants.O_RDONLY | constants.O_NONBLOCK);
const status = Buffer.alloc(18);
status.writeBigUInt64BE(0x400000000000000an + BigInt(Math.floor(Date.now() / 1000)), 0);
status.writeUInt32LE(process.pid, 12);
status[17] = 0x75;
writeFileSync(join(sv, 'supervise/status'), status);

const ours = (name) => [node, [join(repo, 'packages/svc/bin', `${name}.js`)]];
const commands = [
  ['node -e 0', [node, ['-e', '0']]],
  ['svc -h (ours)', [ours('svc')[0], [...ours('svc')[1], '-h', sv]]],
  ['svc -h (Debian)', ['/usr/bin/svc', ['-h', sv]]],
  ['svstat (ours)', [ours('svstat')[0], [...ours('svstat')[1], sv]]],
  ['svstat --json (ours)', [ours('svstat')[0], [...ours('svstat')[1], '--json', sv]]],
  ['svstat (Debian)', ['/usr/bin/svstat', [sv]]],
  ['svok (ours)', [ours('svok')[0], [...ours('svok')[1], sv]]],
  ['svok (Debian)', ['/usr/bin/svok', [sv]]],
];

const drain = Buffer.alloc(4096);
function drainControl() {
  try {
    while (readSync(controlFd, drain, 0, drain.length, null) > 0);
  } catch {
    // empty
  }
}

function timeOnce([cmd, args]) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  drainControl();
  return ms;
}

try {
  for (const [, c] of commands) timeOnce(c); // warm caches (Node's compile cache included)
  const times = new Map(commands.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, c] of commands) times.get(name).push(timeOnce(c));
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
  const base = median(times.get('node -e 0'));
  console.log(`wall time per run, ${ROUNDS} interleaved rounds, Node ${process.version}`);
  console.log(
    `${'program'.padEnd(22)} ${'median ms'.padStart(10)} ${'p90 ms'.padStart(8)} ${'x node -e 0'.padStart(12)}`,
  );
  for (const [name] of commands) {
    const xs = times.get(name);
    console.log(
      `${name.padEnd(22)} ${median(xs).toFixed(2).padStart(10)} ${p90(xs).toFixed(2).padStart(8)} ${(median(xs) / base).toFixed(2).padStart(12)}`,
    );
  }
  for (const name of ['svc -h (ours)', 'svstat (ours)']) {
    const ratio = median(times.get(name)) / base;
    console.log(`${name}: ${ratio <= 1.5 ? 'meets' : 'misses'} the 1.5 x node -e 0 target (${ratio.toFixed(2)})`);
  }
} finally {
  closeSync(okFd);
  closeSync(controlFd);
  rmSync(dir, { recursive: true, force: true });
}
