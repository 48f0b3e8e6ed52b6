// Full disk: a writer pipes numbered lines into multilog whose log directory is on a small
// tmpfs that a filler file has almost filled. Once the disk is full (and multilog has had
// time to retry), the filler is removed; multilog must resume, take every line, and exit at
// the end of its input.
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, bothSystems, cmdline, makeContext, sleep, waitFor } from './lib.js';
import { countLines } from './log-loss.js';

const DISK_KB = 2048;
const FILLER_KB = 1536;
const LINES = 20_000; // 48 to 54-byte lines: about 1 MB, twice the room left, half the disk
const HOLD_MS = 6000; // Debian's multilog retries every 5 s: let it meet the full disk at least once

const WRITER = `$| = 1; for my $i (1 .. $ARGV[0]) { syswrite(STDOUT, "L$i ${'x'.repeat(40)}\\n") or die "write: $!"; }`;

async function oneSystem(system, { term = false } = {}) {
  const ctx = makeContext(`fulldisk-${system.key}${term ? '-term' : ''}`);
  try {
    const disk = join(ctx.dir, 'disk');
    mkdirSync(disk);
    const failed = ctx.mount(disk, `size=${DISK_KB}k,mode=0755`);
    if (failed) return { error: `cannot mount a tmpfs: ${failed}` };
    writeFileSync(join(disk, 'filler'), Buffer.alloc(FILLER_KB * 1024, 0x2e));
    writeFileSync(join(ctx.dir, 'writer.pl'), WRITER);
    const log = join(ctx.dir, 'multilog.err');
    const child = ctx.spawn(
      '/bin/sh',
      ['-c', `perl ./writer.pl ${LINES} | ${system.bin('multilog')} s65536 n1000 ./disk/log`],
      { system, log },
    );
    const free = () => {
      const s = statfsSync(disk);
      return s.bavail * s.bsize;
    };
    const full = await waitFor(() => free() === 0 || child.exitCode !== null, 30_000, 20);
    if (!full || child.exitCode !== null) return { error: `disk never filled (exit ${child.exitCode})` };
    const fullAt = Date.now();
    if (term) return await termWhileFull(ctx);
    await sleep(HOLD_MS);
    const warnings = readFileSync(log, 'latin1').split('\n').filter(Boolean);
    rmSync(join(disk, 'filler'));
    const freedAt = Date.now();
    const exited = await Promise.race([child.exited, sleep(30_000).then(() => null)]);
    const resumeSeconds = exited ? (Date.now() - freedAt) / 1000 : null;
    const counts = existsSync(join(disk, 'log')) ? countLines(join(disk, 'log'), LINES) : null;
    return {
      heldSeconds: (freedAt - fullAt) / 1000,
      warnings: warnings.length,
      firstWarning: warnings[0] ?? '',
      exit: exited ? (exited.signal ?? exited.code) : 'still running after 30 s',
      resumed: Boolean(exited) && exited.code === 0,
      resumeSeconds,
      ...counts,
    };
  } finally {
    ctx.cleanup();
  }
}

// A stop must end: SIGTERM to a multilog that is pausing on a full disk (issue 20, section 8).
async function termWhileFull(ctx) {
  await sleep(1000);
  const pids = ctx.processes('multilog').filter((pid) => !cmdline(pid).startsWith('/bin/sh'));
  if (pids.length === 0) return { termExit: 'no multilog found', termOk: false };
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  const t0 = Date.now();
  const gone = await waitFor(() => pids.every((pid) => !alive(pid)), 10_000, 20);
  return {
    termExit: gone ? `exited in ${((Date.now() - t0) / 1000).toFixed(1)} s` : 'still running after 10 s',
    termOk: Boolean(gone),
  };
}

export async function fullDisk() {
  const [r, t] = await Promise.all([bothSystems(oneSystem), bothSystems((s) => oneSystem(s, { term: true }))]);
  const cell = (x, f) => (x.error ? `error: ${x.error}` : f(x));
  const rows = [
    ['held full for', (x) => `${x.heldSeconds.toFixed(1)} s`],
    ['messages while full', (x) => `${x.warnings}: ${x.firstWarning.slice(0, 70)}`],
    [
      'after space was freed',
      (x) => (x.resumed ? `resumed, exit 0 in ${x.resumeSeconds.toFixed(1)} s` : `exit ${x.exit}`),
    ],
    ['lines lost', (x) => x.lost],
    ['torn lines', (x) => x.torn],
    ['duplicated lines', (x) => x.duplicated],
  ].map(([label, f]) => [label, cell(r.ours, f), cell(r.debian, f)]);
  rows.push(['SIGTERM while full (another run)', cell(t.ours, (x) => x.termExit), cell(t.debian, (x) => x.termExit)]);
  const pass = (x) => !x.error && x.resumed && x.lost === 0 && x.torn === 0 && x.duplicated === 0;
  const brief = (x) =>
    x.error ? 'error' : `${x.resumed ? 'resumed' : 'did not resume'}, ${x.lost} lost, ${x.torn} torn`;
  return {
    title: `full disk: ${LINES} lines into multilog on a ${DISK_KB} KiB tmpfs, ${FILLER_KB} KiB taken, then freed`,
    rows,
    verdict: { ours: pass(r.ours) && Boolean(t.ours.termOk), debian: pass(r.debian) && Boolean(t.debian.termOk) },
    summary: {
      ours: `${brief(r.ours)}; TERM ${t.ours.termOk ? 'ends it' : 'ignored'}`,
      debian: `${brief(r.debian)}; TERM ${t.debian.termOk ? 'ends it' : 'ignored'}`,
    },
  };
}
