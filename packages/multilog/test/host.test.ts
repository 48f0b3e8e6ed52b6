// The log host (issue 19): several loggers in one Node process, each with its own directory,
// rotation, processor and pauses; one failing (a full disk, a crashing processor, a bad script)
// stops none of the others. Real multilog-attach processes, a real 64 KiB tmpfs (root, as CI).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { killQuietly } from '@fortress/test-support/processes';
import { waitFor } from '@fortress/test-support/wait-for';
import { expectedLines, lineWriterScript, nodeCommand, shellQuote } from './fixtures.js';
import { allContent, exited, mkfifo, testAccount, withSmallTmpfs } from './helpers.js';
import {
  ATTACH,
  hostEnv,
  hostName,
  hostPids,
  killHostsAfter,
  loggedLines,
  startPipeline,
  uidOf,
} from './host-helpers.js';

const { root, mnt } = withSmallTmpfs('loghost');

const attach = (args: string[]): string => [ATTACH, ...args].map(shellQuote).join(' ');

test('one logger on a full disk pauses alone: the others in the same host write all their lines meanwhile', async () => {
  const name = hostName('disk');
  killHostsAfter(name);
  const env = hostEnv(name);
  const count = 6000;
  const width = 60;
  const writer = nodeCommand(lineWriterScript(count, width));
  const full = startPipeline(`${writer} | ${attach(['s4096', 'n1000', './mnt/log'])}`, root, env);
  await waitFor('the out-of-space warning', () =>
    full.stderr().includes(`multilog: warning: unable to write to ${mnt}/log/current, pausing: out of disk space\n`),
  );
  const others = [1, 2, 3].map((i) => startPipeline(`${writer} | ${attach(['t', `./other${i}`])}`, root, env));
  // A pause that blocked the host (as multilog's did: a sleep of the whole process) would hold
  // them all: they must end while the first one still pauses.
  await waitFor('the other loggers done', () => others.every((o) => o.child.exitCode !== null), 120_000);
  for (const other of others) assert.equal(other.child.exitCode, 0, other.stderr());
  assert.equal(full.child.exitCode, null, 'the full-disk logger is still pausing');
  assert.equal(hostPids(name).length, 1);
  const expected = expectedLines(count, width).toString('latin1').split('\n').filter(Boolean);
  for (const i of [1, 2, 3]) assert.deepEqual(loggedLines(join(root, `other${i}`)), expected);
  const r = spawnSync('mount', ['-o', 'remount,size=8m', mnt], { encoding: 'latin1' });
  assert.equal(r.status, 0, `remount: ${r.stderr}`);
  assert.equal(await exited(full.child), 0, full.stderr());
  for (const line of full.stderr().split('\n').filter(Boolean)) {
    assert.match(line, /^multilog: warning: unable to .*, pausing: out of disk space$/);
  }
  assert.ok(allContent(join(mnt, 'log')).equals(expectedLines(count, width)), 'lines lost or repeated');
});

test('a crashing processor pauses its logger only; TERM then ends it with 111, the others untouched', async () => {
  const name = hostName('proc');
  killHostsAfter(name);
  const env = hostEnv(name);
  const fifo = join(root, 'crash.fifo');
  mkfifo(fifo);
  // The FIFO is held open for writing by the test, so the crashing logger never sees the end.
  const crashing = spawn(ATTACH, ['s4096', '!kill -9 $$', './crash'], {
    cwd: root,
    env,
    stdio: [openSync(fifo, 'r+'), 'ignore', 'pipe'],
  });
  after(() => killQuietly(crashing.pid ?? 0));
  let stderr = '';
  crashing.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString('latin1');
  });
  const writer = openSync(fifo, 'w');
  writeFileSync(writer, `${'x'.repeat(99)}\n`.repeat(60));
  await waitFor('the processor warning', () =>
    stderr.includes(`multilog: warning: processor crashed in ${root}/crash, pausing: killed by SIGKILL\n`),
  );
  const other = startPipeline(`${nodeCommand(lineWriterScript(5000, 40))} | ${attach(['t', './fine'])}`, root, env);
  assert.equal(await exited(other.child), 0, other.stderr());
  assert.equal(loggedLines(join(root, 'fine')).length, 5000);
  assert.equal(crashing.exitCode, null);
  crashing.kill('SIGTERM');
  assert.equal(await exited(crashing), 111);
  assert.match(
    stderr,
    /multilog: fatal: processor crashed in .*crash: killed by SIGKILL; stopping on SIGTERM with up to 6000 bytes of input not written \(left in the pipe\)\n$/,
  );
  assert.equal(hostPids(name).length, 1, 'the host lives on');
});

test('a bad script fails its logger alone (111, the reason on its stderr); the host serves the next', async () => {
  const name = hostName('bad');
  killHostsAfter(name);
  const env = hostEnv(name);
  writeFileSync(join(root, 'plain-file'), 'not a directory\n');
  const fine = startPipeline(`(echo first; sleep 100000) | ${attach(['./steady'])}`, root, env);
  await waitFor(
    'the steady logger',
    () => existsSync(join(root, 'steady/current')) && loggedLines(join(root, 'steady')).length === 1,
  );
  const host = hostPids(name);
  assert.equal(host.length, 1);
  const bad = spawnSync(ATTACH, ['t', './plain-file/main'], { cwd: root, env, input: 'lost?\n', encoding: 'latin1' });
  assert.equal(bad.status, 111);
  assert.equal(bad.stderr, `multilog: fatal: unable to open directory ${root}/plain-file/main: not a directory\n`);
  const good = spawnSync(ATTACH, ['./after-bad'], { cwd: root, env, input: 'one\ntwo\n', encoding: 'latin1' });
  assert.equal(good.status, 0, good.stderr);
  assert.deepEqual(loggedLines(join(root, 'after-bad')), ['one', 'two']);
  assert.deepEqual(hostPids(name), host, 'the same host throughout');
  assert.equal(fine.child.exitCode, null);
});

test('svc-like signals: ALRM rotates only its own logger; TERM ends each with 0 and a complete current', async () => {
  const name = hostName('sig');
  killHostsAfter(name);
  const env = hostEnv(name);
  const loggers = ['a', 'b'].map((dir) => {
    const fifo = join(root, `${dir}.fifo`);
    mkfifo(fifo);
    const child = spawn(ATTACH, [`./sig-${dir}`], {
      cwd: root,
      env,
      stdio: [openSync(fifo, 'r+'), 'ignore', 'inherit'],
    });
    after(() => killQuietly(child.pid ?? 0));
    const writer = openSync(fifo, 'w');
    writeFileSync(writer, `${dir} line\n`);
    return { dir: join(root, `sig-${dir}`), child };
  });
  for (const { dir } of loggers) await waitFor(`${dir} written`, () => loggedLines(dir).length === 1);
  loggers[0]!.child.kill('SIGALRM');
  await waitFor('a rotated', () => readdirSync(loggers[0]!.dir).some((n) => n.endsWith('.s')));
  assert.ok(!readdirSync(loggers[1]!.dir).some((n) => n.startsWith('@')), 'b did not rotate');
  for (const { child } of loggers) child.kill('SIGTERM');
  for (const { dir, child } of loggers) {
    assert.equal(await exited(child), 0);
    assert.equal(statSync(join(dir, 'current')).mode & 0o777, 0o744);
  }
});

test('HUP kills one logger at once and unlocks its directory: a new logger takes it over, nothing lost', async () => {
  const name = hostName('hup');
  killHostsAfter(name);
  const env = hostEnv(name);
  const fifo = join(root, 'hup.fifo');
  mkfifo(fifo);
  const input = openSync(fifo, 'r+');
  const writer = openSync(fifo, 'w');
  const first = spawn(ATTACH, ['./hup'], { cwd: root, env, stdio: [input, 'ignore', 'inherit'] });
  after(() => killQuietly(first.pid ?? 0));
  writeFileSync(writer, 'before\n');
  await waitFor(
    'first line',
    () => existsSync(join(root, 'hup/current')) && loggedLines(join(root, 'hup')).length === 1,
  );
  first.kill('SIGHUP');
  assert.equal(await exited(first), 'SIGHUP');
  writeFileSync(writer, 'after\n');
  const second = spawn(ATTACH, ['./hup'], { cwd: root, env, stdio: [input, 'ignore', 'pipe'] });
  after(() => killQuietly(second.pid ?? 0));
  await waitFor('second line', () => loggedLines(join(root, 'hup')).includes('after'));
  second.kill('SIGTERM');
  assert.equal(await exited(second), 0);
  assert.deepEqual(loggedLines(join(root, 'hup')), ['before', 'after']);
});

test('under setuidgid: the host runs as the log account, the files are its own', async () => {
  const log = testAccount('fortress-test-log');
  const name = hostName('account');
  killHostsAfter(name);
  const env = hostEnv(name);
  const dir = join(root, 'account');
  mkdirSync(dir);
  chownSync(dir, log.uid, log.gid);
  const input = 'as the log account\n'.repeat(300);
  // stderr to a file: the host it starts keeps that descriptor (a pipe would hold spawnSync).
  const errors = join(root, 'account.stderr');
  const r = spawnSync('/usr/bin/setuidgid', [log.name, ATTACH, 's4096', './main'], {
    cwd: dir,
    env,
    input,
    stdio: ['pipe', 'ignore', openSync(errors, 'w')],
  });
  assert.equal(r.status, 0, readFileSync(errors, 'latin1'));
  const hosts = hostPids(name);
  assert.equal(hosts.length, 1);
  assert.equal(uidOf(hosts[0]!), log.uid);
  for (const file of ['.', ...readdirSync(join(dir, 'main'))])
    assert.equal(statSync(join(dir, 'main', file)).uid, log.uid);
  assert.equal(loggedLines(join(dir, 'main')).length, 300);
  // Another account's logger is not served by this host, whatever name it asks for.
  const other = spawnSync(ATTACH, ['./root-main'], {
    cwd: root,
    env,
    input: 'x\n',
    encoding: 'latin1',
    timeout: 60_000,
  });
  assert.equal(other.status, 111);
  assert.equal(other.stderr, "multilog-attach: fatal: the log host's socket belongs to another account\n");
});

test('multilog-attach: --help is the usage on stdout; no script is a usage error (100)', () => {
  const help = spawnSync(ATTACH, ['--help'], { encoding: 'latin1', input: '' });
  assert.deepEqual([help.status, help.stdout, help.stderr], [0, 'usage: multilog-attach script\n', '']);
  const none = spawnSync(ATTACH, [], { encoding: 'latin1', input: '' });
  assert.deepEqual(
    [none.status, none.stdout, none.stderr],
    [100, '', 'multilog-attach: usage: multilog-attach script\n'],
  );
});
