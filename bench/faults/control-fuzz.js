// Control fuzz: random bytes (all but `x`, which legitimately ends supervise) written to
// supervise/control of a running service. supervise must read them all, survive, keep a
// readable status, run at most one ./run, come up on `cu` and exit on `dx`.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, constants, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { alive, bothSystems, cmdline, makeContext, prng, procState, sleep, statusPid, waitFor } from './lib.js';

// Bytes waiting in a FIFO, by FIONREAD on a read descriptor of our own (which reads nothing).
const UNREAD = `use Fcntl; sysopen(my $f, $ARGV[0], O_RDONLY|O_NONBLOCK) or exit 2;
my $n = pack('L', 0); ioctl($f, 0x541B, $n) or exit 3; print unpack('L', $n);`;

function unread(fifo) {
  const r = spawnSync('perl', ['-e', UNREAD, fifo], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 ? Number(r.stdout) : -1;
}

function fuzzBytes(count, seed) {
  const random = prng(seed);
  const bytes = Buffer.alloc(count);
  for (let i = 0; i < count; i++) {
    let b;
    do b = Math.floor(random() * 256);
    while (b === 0x78);
    bytes[i] = b;
  }
  return bytes;
}

/** Writes all of bytes to a FIFO without blocking this process (EAGAIN: wait, retry). */
async function writeFifo(path, bytes, deadlineMs) {
  const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  const deadline = Date.now() + deadlineMs;
  let off = 0;
  try {
    while (off < bytes.length && Date.now() < deadline) {
      try {
        off += writeSync(fd, bytes, off, Math.min(4096, bytes.length - off));
      } catch (err) {
        if (err.code !== 'EAGAIN') throw err;
        await sleep(10);
      }
    }
  } finally {
    closeSync(fd);
  }
  return off;
}

async function oneSystem(system, opts) {
  const ctx = makeContext(`fuzz-${system.key}`);
  try {
    const dir = join(ctx.dir, 'svc');
    mkdirSync(dir);
    const marker = `sleep 99904${system.key === 'ours' ? 1 : 2}`;
    writeFileSync(join(dir, 'run'), `#!/bin/sh\necho $$ >> instances\nexec ${marker}\n`);
    chmodSync(join(dir, 'run'), 0o755);
    const supervise = ctx.spawn(system.bin('supervise'), [dir], { system, log: join(ctx.dir, 'supervise.log') });
    const status = join(dir, 'supervise/status');
    const control = join(dir, 'supervise/control');
    const up = () => {
      const pid = statusPid(status);
      return pid && alive(pid) && procState(pid) !== 'T' && cmdline(pid).includes(marker) ? pid : 0;
    };
    if (!(await waitFor(up, 20_000))) return { error: 'the service did not start' };
    const bytes = fuzzBytes(opts.fuzzBytes, opts.seed);
    const t0 = Date.now();
    const written = await writeFifo(control, bytes, 30_000);
    // Debian's supervise sleeps a second after each start, and some bytes restart the service.
    const drained = await waitFor(() => unread(control) === 0 || supervise.exitCode !== null, opts.fuzzDeadlineMs, 250);
    const result = {
      written,
      drainSeconds: drained && supervise.exitCode === null ? (Date.now() - t0) / 1000 : null,
      left: supervise.exitCode === null ? unread(control) : null,
      restarts: instances(dir).length - 1,
    };
    result.survived = supervise.exitCode === null;
    if (!result.survived) {
      const { code, signal } = await supervise.exited;
      result.death = signal ?? `exit ${code}`;
      result.stderr = readFileSync(join(ctx.dir, 'supervise.log'), 'latin1').trim().split('\n').pop();
      return result;
    }
    const svstat = await ctx.run(system.bin('svstat'), [dir], { system, timeoutMs: 10_000 });
    result.svstat =
      svstat.outcome === 'exit'
        ? svstat.stdout
            .toString()
            .trim()
            .slice(dir.length + 2)
        : `svstat: ${svstat.outcome}`;
    await writeFifo(control, Buffer.from('cu'), 5000);
    result.upAfter = Boolean(await waitFor(up, 10_000));
    await sleep(300);
    result.instancesAlive = instances(dir).filter((pid) => alive(pid) && cmdline(pid).includes(marker)).length;
    result.sane = result.upAfter && result.instancesAlive === 1;
    try {
      if (system.key === 'ours') JSON.parse(readFileSync(join(dir, 'supervise/status.json'), 'utf8'));
      result.json = 'valid';
    } catch (err) {
      result.json = `bad: ${err.message}`;
    }
    await writeFifo(control, Buffer.from('dx'), 5000);
    const exited = await Promise.race([supervise.exited, sleep(10_000).then(() => null)]);
    result.dx = exited ? (exited.signal ?? `exit ${exited.code}`) : 'still running after 10 s';
    result.exitsOk = Boolean(exited) && exited.code === 0;
    return result;
  } finally {
    ctx.cleanup();
  }
}

function instances(dir) {
  try {
    return readFileSync(join(dir, 'instances'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function controlFuzz(opts) {
  const o = { ...opts, fuzzDeadlineMs: opts.quick ? 45_000 : 120_000 };
  const r = await bothSystems((s) => oneSystem(s, o));
  const cell = (x, f) => (x.error ? `error: ${x.error}` : f(x));
  const after = (f) => (x) => (x.survived ? f(x) : '-');
  const rows = [
    ['bytes written', (x) => x.written],
    [
      'all read by supervise',
      (x) =>
        x.drainSeconds !== null
          ? `in ${x.drainSeconds.toFixed(1)} s`
          : `${x.left ?? '?'} unread after ${o.fuzzDeadlineMs / 1000} s`,
    ],
    ['./run starts during the fuzz', (x) => x.restarts],
    ['supervise survived', (x) => (x.survived ? 'yes' : `NO: ${x.death}: ${x.stderr}`)],
    ['svstat after', after((x) => x.svstat)],
    ['up after `cu`, one ./run', after((x) => (x.sane ? 'yes' : `NO: up ${x.upAfter}, ${x.instancesAlive} alive`))],
    ['status.json', after((x) => (x === r.debian ? '-' : x.json))],
    ['`dx` ends supervise', after((x) => x.dx)],
  ].map(([label, f]) => [label, cell(r.ours, f), cell(r.debian, f)]);
  const pass = (x) => !x.error && x.survived && x.drainSeconds !== null && x.sane && x.exitsOk && x.json === 'valid';
  const brief = (x) =>
    x.error
      ? 'error'
      : `${x.survived ? 'survived' : 'died'}${x.drainSeconds !== null ? `, read all in ${x.drainSeconds.toFixed(0)} s` : ', not all read'}${x.sane ? ', sane' : ''}`;
  return {
    title: `control fuzz: ${opts.fuzzBytes} random bytes (no x) into supervise/control, seed ${opts.seed}`,
    rows,
    verdict: { ours: pass(r.ours), debian: pass(r.debian) },
    summary: { ours: brief(r.ours), debian: brief(r.debian) },
  };
}
