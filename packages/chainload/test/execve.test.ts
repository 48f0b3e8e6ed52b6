// The exec addon (native/exec.c): failures come back as values (Node's own execve aborts), with
// the process as it was; the descriptor list is what /proc/self/fd and fdinfo say.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execve, openDescriptors } from '@fortress/chainload/execve';
import { tempDir } from '@fortress/test-support/temp-dir';

const ENOENT = 2;
const EINVAL = 22;
const O_CLOEXEC = 0o2000000;
const SIGPIPE = 13;

const dir = tempDir('execve');

function ignoredSignals(): bigint {
  return BigInt(`0x${/^SigIgn:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'))![1]}`);
}

function closeOnExec(fd: number): boolean {
  const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))![1]!;
  return (Number.parseInt(flags, 8) & O_CLOEXEC) !== 0;
}

test('execve of a missing file returns { execve, ENOENT }; signals and descriptor flags are as before', () => {
  const fd = openSync(join(dir, 'kept'), 'w');
  try {
    const ignored = ignoredSignals();
    assert.equal((ignored >> BigInt(SIGPIPE - 1)) & 1n, 1n, 'Node ignores SIGPIPE');
    assert.equal(closeOnExec(fd), true);
    const failure = execve(join(dir, 'missing'), ['missing'], ['A=1'], [], [fd]);
    assert.deepEqual(failure, { syscall: 'execve', errno: ENOENT });
    assert.equal(ignoredSignals(), ignored);
    assert.equal(closeOnExec(fd), true);
  } finally {
    closeSync(fd);
  }
});

test('a limit that cannot be set returns { setrlimit, errno } before any exec', () => {
  const failure = execve('/bin/true', ['true'], [], [[99, { soft: 1n, hard: 1n }]], []);
  assert.deepEqual(failure, { syscall: 'setrlimit', errno: EINVAL });
});

test('openDescriptors: each fd from 3 up with its link and fdinfo flags, close-on-exec included', () => {
  const fd = openSync(join(dir, 'listed'), 'a');
  try {
    const list = openDescriptors();
    const mine = list.find((d) => d.fd === fd);
    assert.deepEqual(mine, {
      fd,
      target: readlinkSync(`/proc/self/fd/${fd}`),
      flags: Number.parseInt(/^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))![1]!, 8),
    });
    assert.equal((mine!.flags & O_CLOEXEC) !== 0, true);
    assert.equal(
      list.every((d) => d.fd >= 3),
      true,
    );
  } finally {
    closeSync(fd);
  }
});
