import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  dup2,
  flock,
  getrlimit,
  getsockopt,
  LOCK_EX,
  LOCK_NB,
  LOCK_UN,
  mkfifo,
  POLLIN,
  pipe2,
  poll,
  pollAsync,
  RLIM_INFINITY,
  RLIMIT,
  setrlimit,
  setsockopt,
  socket,
  spawn,
  spawnAsync,
  WNOHANG,
  waitpid,
} from '@fortress/core/libc';
import { waitFor } from '@fortress/core/wait-for';
import { tempDir } from '@fortress/test-support/temp-dir';

const dir = tempDir('libc');

test('mkfifo makes a FIFO with the mode asked, and EEXIST the second time', () => {
  const path = join(dir, 'fifo');
  const old = process.umask(0);
  try {
    mkfifo(path, 0o600);
    const st = statSync(path);
    assert.ok(st.isFIFO());
    assert.equal(st.mode & 0o777, 0o600);
    assert.throws(() => mkfifo(path, 0o600), { code: 'EEXIST' });
  } finally {
    process.umask(old);
  }
});

test('flock: a second exclusive non-blocking lock on another open file fails with EAGAIN', () => {
  const path = join(dir, 'lock');
  const a = openSync(path, 'a');
  const b = openSync(path, 'a');
  try {
    flock(a, LOCK_EX | LOCK_NB);
    assert.throws(() => flock(b, LOCK_EX | LOCK_NB), { code: 'EAGAIN' });
    flock(a, LOCK_UN);
    flock(b, LOCK_EX | LOCK_NB);
  } finally {
    closeSync(a);
    closeSync(b);
  }
});

test('getrlimit reads the soft and hard limits', () => {
  const { soft, hard } = getrlimit(RLIMIT.NOFILE);
  assert.ok(soft > 0n);
  assert.ok(hard >= soft);
});

test('a failing call becomes a SystemError with errno, code and syscall', () => {
  assert.throws(() => mkfifo(join(dir, 'no', 'such', 'dir'), 0o600), {
    name: 'Error',
    code: 'ENOENT',
    errno: 2,
    syscall: 'mkfifo',
  });
  assert.throws(() => dup2(1_000_000, 1_000_001), { code: 'EBADF', syscall: 'dup2' });
  assert.throws(() => getrlimit(9999), { code: 'EINVAL', syscall: 'getrlimit' });
  assert.throws(() => poll(Buffer.alloc(4), 1, 0), { code: 'EINVAL' }, 'a buffer too small for one pollfd');
});

test('setrlimit then getrlimit round-trips a lowered soft limit (bigints, RLIM_INFINITY kept)', () => {
  const before = getrlimit(RLIMIT.CORE);
  try {
    setrlimit(RLIMIT.CORE, { soft: 0n, hard: before.hard });
    assert.deepEqual(getrlimit(RLIMIT.CORE), { soft: 0n, hard: before.hard });
  } finally {
    setrlimit(RLIMIT.CORE, before);
  }
  assert.ok(before.hard === RLIM_INFINITY || before.hard < RLIM_INFINITY);
});

test('pipe2 and poll: not ready, then ready once a byte is written', () => {
  const [r, w] = pipe2(0o4000 | 0o2000000); // O_NONBLOCK | O_CLOEXEC
  try {
    const fds = Buffer.alloc(8);
    fds.writeInt32LE(r, 0);
    fds.writeInt16LE(POLLIN, 4);
    assert.equal(poll(fds, 1, 0), 0);
    writeSync(w, 'x');
    assert.equal(poll(fds, 1, 0), 1);
    assert.equal(fds.readInt16LE(6) & POLLIN, POLLIN);
  } finally {
    closeSync(r);
    closeSync(w);
  }
});

test('pollAsync waits off the main thread and resolves when the pipe becomes readable', async () => {
  const [r, w] = pipe2(0o2000000);
  try {
    const fds = Buffer.alloc(8);
    fds.writeInt32LE(r, 0);
    fds.writeInt16LE(POLLIN, 4);
    const ready = pollAsync(fds, 1, 30_000);
    // The event loop is free meanwhile: this timer runs and wakes the poll.
    setImmediate(() => writeSync(w, 'x'));
    assert.equal(await ready, 1);
  } finally {
    closeSync(r);
    closeSync(w);
  }
});

/** The raw wait status of our child `pid`, once it has exited. */
async function reap(pid: number): Promise<number> {
  const exited = await waitFor(`child ${pid} to exit`, () => {
    const [done, status] = waitpid(pid, WNOHANG);
    return done === pid ? { status } : undefined;
  });
  return exited.status;
}

test('spawn: PATH search, argv, envp, dup2 moves, its own session; waitpid gives the exit code', async () => {
  const out = join(dir, 'spawn-out');
  const fd = openSync(out, 'w');
  try {
    const script = 'echo "$0 $1 $FOO $$ $(ps -o sid= -p $$)"; exit 7';
    const pid = spawn('sh', ['sh', '-c', script, 'zero', 'arg1'], ['FOO=bar', `PATH=${process.env.PATH}`], {
      moves: [[fd, 1]],
      newSession: true,
    });
    const status = await reap(pid);
    assert.equal((status >> 8) & 0xff, 7, 'exit code 7');
    const [argv0, arg1, foo, shellPid, sid] = readFileSync(out, 'utf8').trim().split(/\s+/);
    assert.deepEqual([argv0, arg1, foo], ['zero', 'arg1', 'bar']);
    assert.equal(Number(shellPid), pid);
    assert.equal(Number(sid), pid, 'the child leads its own session');
  } finally {
    closeSync(fd);
  }
});

test('spawn: every signal back to its default in the child (Node ignores SIGPIPE)', async () => {
  const out = join(dir, 'sigpipe-out');
  const fd = openSync(out, 'w');
  try {
    const pid = spawn('/bin/sh', ['sh', '-c', 'grep -E "^Sig(Ign|Blk):" /proc/self/status'], [], { moves: [[fd, 1]] });
    await reap(pid);
    const text = readFileSync(out, 'utf8');
    const mask = (name: string) => BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(text)?.[1]}`);
    // All of them, glibc's own 32 and 33 included (its sigfillset leaves those out).
    assert.equal(mask('SigIgn'), 0n, text);
    assert.equal(mask('SigBlk'), 0n, text);
  } finally {
    closeSync(fd);
  }
});

test('spawn: moves act as if all at once (two descriptors swapped), and leave no spare open', async () => {
  const a = join(dir, 'move-a');
  const b = join(dir, 'move-b');
  const fa = openSync(a, 'w');
  const fb = openSync(b, 'w');
  try {
    // In the child fa and fb trade places; done one after the other, both would be file a.
    // (dash redirects only single-digit descriptors: write through /proc/self/fd instead)
    const to = (fd: number) => `>> /proc/self/fd/${fd}`;
    const script = `echo to-fa ${to(fa)}; echo to-fb ${to(fb)}; ls /proc/self/fd | tr "\\n" " " ${to(fb)}`;
    const pid = spawn('/bin/sh', ['sh', '-c', script], [], {
      moves: [
        [fa, fb],
        [fb, fa],
      ],
    });
    await reap(pid);
    assert.equal(readFileSync(b, 'utf8'), 'to-fa\n');
    const [first, list] = readFileSync(a, 'utf8').split('\n');
    assert.equal(first, 'to-fb');
    const fds = list!.trim().split(' ').map(Number);
    const spare = Math.max(fa, fb) + 1; // the moves go through spare and spare + 1
    assert.ok(!fds.includes(spare) && !fds.includes(spare + 1), `descriptors open in the child: ${fds.join(' ')}`);
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
});

test('spawn and spawnAsync: a missing program is ENOENT, never a crash', async () => {
  assert.throws(() => spawn('fortress-no-such-program', ['x'], ['PATH=/usr/bin:/bin']), {
    code: 'ENOENT',
    syscall: 'posix_spawnp',
  });
  await assert.rejects(spawnAsync(join(dir, 'missing'), ['x'], []), { code: 'ENOENT' });
});

test('spawnAsync resolves with the pid of a running child', async () => {
  const pid = await spawnAsync('/bin/sh', ['sh', '-c', 'exit 3'], []);
  assert.ok(pid > 0);
  assert.equal(((await reap(pid)) >> 8) & 0xff, 3);
});

test('waitpid with WNOHANG: [0, 0] while the child runs; ECHILD for a pid that is not ours', async () => {
  const pid = spawn('/bin/sleep', ['sleep', '600'], [], {});
  try {
    assert.deepEqual(waitpid(pid, WNOHANG), [0, 0]);
  } finally {
    process.kill(pid, 'SIGKILL');
    assert.equal((await reap(pid)) & 0x7f, 9, 'killed by SIGKILL');
  }
  assert.throws(() => waitpid(1, WNOHANG), { code: 'ECHILD' });
});

test('socket, setsockopt, getsockopt round-trip an option', () => {
  const fd = socket(2, 1, 0); // AF_INET, SOCK_STREAM
  try {
    const one = Buffer.alloc(4);
    one.writeInt32LE(1, 0);
    setsockopt(fd, 6, 1, one); // IPPROTO_TCP, TCP_NODELAY
    assert.equal(getsockopt(fd, 6, 1, 4).readInt32LE(0), 1);
  } finally {
    closeSync(fd);
  }
});
