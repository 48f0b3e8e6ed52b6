#!/usr/bin/env node
// multilog throughput: 200 MB of 100-byte lines piped into `multilog t s16777215 n10 ./log`,
// ours beside Debian's multilog, s6-log, svlogd -t and `cat > file`; MB/s, lines/s and ratios.
// Each program runs ROUNDS times in turn (interleaved, so machine noise hits them alike); the
// median is reported.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MB = 1_000_000;
const TOTAL = Number(process.env.BENCH_MULTILOG_MB ?? 200) * MB;
const LINE = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const repo = new URL('..', import.meta.url).pathname;
const ourMultilog = join(repo, 'packages/multilog/bin/multilog.js');

const work = mkdtempSync(join(tmpdir(), 'fortress-bench-multilog-'));
const input = join(work, 'input');

function makeInput() {
  const fd = openSync(input, 'w');
  const block = [];
  for (let i = 0; i < 10_000; i++) block.push(`${String(i).padStart(8, '0')} ${'x'.repeat(LINE - 10)}\n`);
  const buf = Buffer.from(block.join(''));
  for (let written = 0; written < TOTAL; written += buf.length)
    writeSync(fd, buf, 0, Math.min(buf.length, TOTAL - written));
  closeSync(fd);
}

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const peers = [
  {
    name: 'fortress multilog t',
    command: `${q(process.execPath)} ${q(ourMultilog)} t s16777215 n10 ./log`,
  },
  { name: 'daemontools multilog t', command: '/usr/bin/multilog t s16777215 n10 ./log', need: '/usr/bin/multilog' },
  { name: 's6-log t', command: '/usr/bin/s6-log t s16777215 n10 ./log', need: '/usr/bin/s6-log' },
  {
    name: 'svlogd -t',
    command: 'svlogd -t ./log',
    need: '/usr/bin/svlogd',
    setup: (dir) => {
      mkdirSync(join(dir, 'log'));
      writeFileSync(join(dir, 'log', 'config'), 's16777215\nn10\n');
    },
  },
  { name: 'cat > file', command: 'cat > ./file' },
].filter((p) => !p.need || existsSync(p.need));

function once(peer, round) {
  const dir = join(work, `${peer.name.replace(/\W+/g, '-')}-${round}`);
  mkdirSync(dir);
  peer.setup?.(dir);
  const start = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', ['-c', `cat ${q(input)} | ${peer.command}`], { cwd: dir, stdio: 'inherit' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${peer.name} exited ${r.status}`);
  return seconds;
}

try {
  makeInput();
  const times = new Map(peers.map((p) => [p.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const peer of peers) times.get(peer.name).push(once(peer, round));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = peers.map((p) => ({ name: p.name, seconds: median(times.get(p.name)) }));
  const base = rows.find((r) => r.name === 'daemontools multilog t');
  const ours = rows[0];
  console.log(`${TOTAL / MB} MB of ${LINE}-byte lines through a pipe, median of ${ROUNDS} runs`);
  console.log('program                      seconds      MB/s     lines/s   vs multilog  ours faster');
  for (const r of rows) {
    const mbs = TOTAL / MB / r.seconds;
    const lps = TOTAL / LINE / r.seconds;
    const vsBase = base ? `${(base.seconds / r.seconds).toFixed(2)}x` : '-';
    const oursVs = `${(r.seconds / ours.seconds).toFixed(2)}x`;
    console.log(
      `${r.name.padEnd(26)} ${r.seconds.toFixed(2).padStart(8)} ${mbs.toFixed(1).padStart(9)} ${Math.round(lps)
        .toString()
        .padStart(11)} ${vsBase.padStart(13)} ${oursVs.padStart(12)}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
