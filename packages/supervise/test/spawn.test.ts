// How ./run is started without child_process (native/spawn-service.c) and reaped by pid
// (child-exits.ts): what ./run finds at exec, descriptors that are both source and target, a
// failed exec, exit codes and signals, and a host that has children of its own (svscan -1).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { onChildExit } from '@fortress/supervise/child-exits';
import { spawnService } from '@fortress/supervise/spawn-service';
import { Supervisor } from '@fortress/supervise/supervisor';
import { cleanup, makeService, makeTempDir, REPO, waitFor } from './helpers.js';

const tmp = makeTempDir();
const hosted: Supervisor[] = [];
after(async () => {
  await Promise.all(hosted.map((s) => s.shutdown()));
  cleanup([], [tmp]);
});

const exitOf = (pid: number) =>
  new Promise<[number | null, string | null]>((resolve) => onChildExit(pid, (code, signal) => resolve([code, signal])));

test('./run at exec: cwd DIR, own session, no signal ignored or blocked, only fds 0-2 of ours (issue 20.1)', async () => {
  const dir = makeService(
    tmp,
    'env',
    [
      'exec > report',
      'pwd -P',
      // process group and session from /proc/PID/stat, after the command name
      'echo "$$ $(cut -d")" -f2 /proc/$$/stat | cut -d" " -f4,5)"',
      'grep -E "^Sig(Ign|Blk):" /proc/$$/status',
      'for f in /proc/$$/fd/*; do printf "%s " "$(basename "$f")=$(readlink "$f")"; done; echo',
      'echo "$0 $#"',
      'exec sleep 1000',
    ].join('\n'),
  );
  const sup = new Supervisor({ dir });
  hosted.push(sup);
  await sup.start();
  const report = await waitFor('report', () => {
    const text = readFileSync(join(dir, 'report'), 'utf8');
    return text.split('\n').length >= 7 ? text.split('\n') : undefined;
  });
  const pid = sup.state.pid;
  assert.equal(report[0], realpathSync(dir));
  assert.equal(report[1], `${pid} ${pid} ${pid}`, 'process group and session leader');
  assert.equal(report[2], 'SigBlk:\t0000000000000000', 'no signal blocked');
  assert.equal(report[3], 'SigIgn:\t0000000000000000', "none ignored (Node's SIGPIPE back to default)");
  // Beyond 0..2 only what the shell opens itself (the script): none of supervise's descriptors,
  // no lock or record a service could release or write (issue 20.1).
  const fds = new Map(
    report[4]!
      .trim()
      .split(' ')
      .map((e) => e.split('=') as [string, string]),
  );
  for (const [fd, target] of fds) {
    if (Number(fd) > 2) assert.doesNotMatch(target, /supervise\/|\/dev\/null/, `fd ${fd} leaked: ${target}`);
  }
  assert.equal(report[5], './run 0', 'argv[0] ./run, no arguments');
  await sup.shutdown();
});

test("descriptors that are both source and target: fds 1 and 2 from the host's 0 and 1", async () => {
  // A host whose fd 0 is file A and fd 1 file B asks for child fds [devnull, 0, 1]: moved one
  // after the other, dup2(devnull, 0) would overwrite fd 0 before it is copied to 1.
  const dir = makeService(tmp, 'moves', 'echo one; echo two >&2; echo three >&3 || echo "no fd 3" >&2');
  const a = openSync(join(tmp, 'moves.a'), 'w');
  const b = openSync(join(tmp, 'moves.b'), 'w');
  const script = [
    "import { spawnService } from '@fortress/supervise/spawn-service';",
    "import { onChildExit } from '@fortress/supervise/child-exits';",
    "const devnull = process.getBuiltinModule('node:fs').openSync('/dev/null', 'r');",
    `const pid = spawnService('run', [], { dir: ${JSON.stringify(dir)}, stdio: [devnull, 0, 1], env: {} });`,
    'onChildExit(pid, (code) => { process.exitCode = code ?? 99; });',
  ].join('\n');
  try {
    const host = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO,
      stdio: [a, b, 'inherit'],
    });
    const code = await new Promise((r) => host.once('exit', r));
    assert.equal(code, 0);
  } finally {
    closeSync(a);
    closeSync(b);
  }
  assert.equal(readFileSync(join(tmp, 'moves.a'), 'utf8'), 'one\n');
  assert.match(readFileSync(join(tmp, 'moves.b'), 'utf8'), /^two\n.*\nno fd 3\n$/s);
});

test('exit codes and signals; a missing or non-executable ./run throws ENOENT / EACCES', async () => {
  const dir = makeService(tmp, 'codes', 'kill -USR1 $$');
  const pid = spawnService('run', [], { dir, stdio: [0, 1, 2], env: {} });
  assert.deepEqual(await exitOf(pid), [null, 'SIGUSR1']);
  const empty = makeService(tmp, 'empty', undefined);
  assert.throws(() => spawnService('run', [], { dir: empty, stdio: [0, 1, 2], env: {} }), {
    code: 'ENOENT',
  });
  const noexec = makeService(tmp, 'noexec', undefined, { run: '#!/bin/sh\n' });
  assert.throws(() => spawnService('run', [], { dir: noexec, stdio: [0, 1, 2], env: {} }), {
    code: 'EACCES',
  });
  const env = makeService(tmp, 'envp', 'echo "$FOO" > seen');
  const pid3 = spawnService('run', [], { dir: env, stdio: [0, 1, 2], env: { FOO: 'bar baz' } });
  assert.deepEqual(await exitOf(pid3), [0, null]);
  assert.equal(readFileSync(join(env, 'seen'), 'utf8'), 'bar baz\n');
});

test('a host with children of its own (svscan -1): each side reaps only its own, codes intact', async () => {
  const dir = makeService(tmp, 'mixed', 'sleep 0.3; exit 7');
  const sup = new Supervisor({ dir });
  hosted.push(sup);
  const ours = new Promise<[number | null, string | null]>((r) => sup.once('exit', (c, s) => r([c, s])));
  const theirs = new Promise<[number | null, string | null]>((resolve) => {
    const child = spawn('/bin/sh', ['-c', 'sleep 0.2; exit 5'], { stdio: 'ignore' });
    child.once('exit', (code, signal) => resolve([code, signal]));
  });
  await sup.start();
  assert.deepEqual(await theirs, [5, null], "child_process's child: its code, not stolen");
  assert.deepEqual(await ours, [7, null]);
  await sup.shutdown();
});
