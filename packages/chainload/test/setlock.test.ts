// setlock: the lock is held by the exec'd program (and through further chain loaders) until it exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { finish, start } from '@fortress/test-support/run';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { collect, debian, type Outcome, ours, run, testEnv } from './helpers.js';

const dir = tempDir('setlock');

/**
 * Starts argv (a setlock) whose program prints `locked` and waits for stdin to close. Raw spawn:
 * the test holds the lock through that open stdin pipe and releases it by closing it.
 */
async function holder(argv: string[]): Promise<{ release: () => Promise<Outcome> }> {
  const child = spawn(argv[0]!, argv.slice(1), { env: testEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  const done = collect(child, 120_000);
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = (): void => {
      if (stdout.includes('locked')) resolve();
      else if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        reject(new Error(`holder did not lock: ${stdout}`));
      } else setTimeout(poll, 20);
    };
    poll();
  });
  return {
    release: () => {
      child.kill('SIGTERM');
      return done;
    },
  };
}

// flock(2)'s number in /proc/PID/syscall.
const FLOCK_SYSCALL = process.arch === 'arm64' ? '32' : '73';

function syscallOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/syscall`, 'latin1').split(' ')[0];
  } catch {
    return undefined;
  }
}

const HOLD = ['sh', '-c', 'echo locked; exec sleep 100'];

async function assertBusy(file: string): Promise<void> {
  for (const argv of [ours('setlock', '-n', file, 'true'), debian('setlock', '-n', file, 'true')]) {
    const busy = await run(argv);
    assert.deepEqual(
      [busy.code, busy.stdout, busy.stderr],
      [111, '', `setlock: fatal: unable to lock ${file}: temporary failure\n`],
      argv.join(' '),
    );
  }
  const quiet = await run(ours('setlock', '-nx', file, 'echo', 'ran'));
  assert.deepEqual([quiet.code, quiet.stdout, quiet.stderr], [0, '', '']);
}

async function assertFree(file: string): Promise<void> {
  const free = await run(ours('setlock', '-n', file, 'echo', 'ran'));
  assert.deepEqual([free.code, free.stdout, free.stderr], [0, 'ran\n', '']);
}

test("setlock: a second setlock -n fails with 111 while the first one's program runs; free after it exits", async () => {
  const file = join(dir, 'plain');
  const h = await holder(ours('setlock', file, ...HOLD));
  try {
    await assertBusy(file);
  } finally {
    const end = await h.release();
    assert.equal(end.signal, 'SIGTERM');
  }
  await assertFree(file);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test("setlock: the lock survives further Node chain loaders and is kept when Debian's setlock starts ours", async () => {
  const file = join(dir, 'chain');
  const env = join(dir, 'env');
  mkdirSync(env);
  writeFileSync(join(env, 'X'), 'y\n');
  const h = await holder(ours('setlock', file, ...ours('envdir', env, ...ours('setuidgid', 'nobody', ...HOLD))));
  try {
    await assertBusy(file);
  } finally {
    await h.release();
  }
  await assertFree(file);
  const d = await holder(debian('setlock', file, ...ours('softlimit', '-o', '100', ...ours('pgrphack', ...HOLD))));
  try {
    await assertBusy(file);
  } finally {
    await d.release();
  }
  await assertFree(file);
});

test('setlock: blocking mode waits for the lock, then runs', async () => {
  const file = join(dir, 'wait');
  const h = await holder(ours('setlock', file, ...HOLD));
  // The waiter's program reads a file that exists only once the lock is about to be released.
  const marker = join(dir, 'released');
  const argv = ours('setlock', file, 'cat', marker);
  const waiter = start(argv, { env: testEnv() });
  const waiting = finish(waiter);
  try {
    // Blocked in flock(2) while the holder runs.
    await waitFor('the waiter to block in flock', () => (syscallOf(waiter.pid!) === FLOCK_SYSCALL ? true : undefined));
    writeFileSync(marker, 'after release\n');
  } catch (err) {
    waiter.kill('SIGKILL');
    throw err;
  } finally {
    await h.release();
  }
  const out = await waiting;
  assert.deepEqual([out.code, out.stdout, out.stderr], [0, 'after release\n', '']);
});

test('setlock never truncates an existing file', async () => {
  const file = join(dir, 'content');
  writeFileSync(file, 'keep me\n');
  const out = await run(ours('setlock', file, 'true'));
  assert.equal(out.code, 0);
  assert.equal(readFileSync(file, 'utf8'), 'keep me\n');
});
