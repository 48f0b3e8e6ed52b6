// Stopping: a run that ignores SIGTERM (waits forever without timeout-kill, killed with it); a
// run that forks children: the group kill and tree-kill reach them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  alive,
  cleanup,
  debianSvc,
  debianSvstat,
  makeService,
  makeTempDir,
  readStatusJson,
  type Started,
  servicePid,
  startSupervise,
  waitFor,
} from './helpers.js';

const tmp = makeTempDir();
const started: Started[] = [];
const pids: number[] = [];
after(() => {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone
    }
  }
  cleanup(started, [tmp]);
});

function supervise(dir: string): Started {
  const s = startSupervise(dir);
  started.push(s);
  return s;
}

const readPid = (path: string) => (existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) || 0 : 0);
const count = (path: string, word: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l === word).length
    : 0;

const IGNORES_TERM = `trap 'echo term >> log' TERM
echo ready > ready
while :; do sleep 0.1; done`;

test('run ignoring SIGTERM, no timeout-kill: supervise waits (as daemontools); k stops it', async () => {
  const dir = makeService(tmp, 'ignore-forever', IGNORES_TERM);
  const s = supervise(dir);
  const pid = await waitFor('up', () => servicePid(dir));
  await waitFor('trap set', () => existsSync(join(dir, 'ready')));
  debianSvc(['-d', dir]);
  await waitFor('TERM received', () => count(join(dir, 'log'), 'term') >= 1);
  // Hold for 1.5 s: the service must stay up with want down (no kill without timeout-kill).
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    assert.ok(alive(pid), 'service killed without timeout-kill');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(debianSvstat(dir), new RegExp(`: up \\(pid ${pid}\\) \\d+ seconds, want down\\n$`));
  debianSvc(['-k', dir]);
  await waitFor('down', () => servicePid(dir) === 0);
  assert.equal(readStatusJson(dir).lastExit?.signal, 'SIGKILL');
  debianSvc(['-x', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
});

test('run ignoring SIGTERM, timeout-kill 300: killed with SIGKILL after the timeout', async () => {
  const dir = makeService(tmp, 'ignore-timeout', IGNORES_TERM, { 'timeout-kill': '300\n' });
  const s = supervise(dir);
  const pid = await waitFor('up', () => servicePid(dir));
  await waitFor('trap set', () => existsSync(join(dir, 'ready')));
  debianSvc(['-d', dir]);
  await waitFor('down', () => servicePid(dir) === 0);
  assert.equal(alive(pid), false);
  assert.equal(readStatusJson(dir).lastExit?.signal, 'SIGKILL');
  assert.match(debianSvstat(dir), /: down \d+ seconds, normally up\n$/);
  debianSvc(['-x', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
});

test('run that forks children: escalation kills its process group and a child in its own session', async () => {
  const dir = makeService(
    tmp,
    'forks',
    `sleep 1000 & echo $! > kid1
setsid sleep 1000 & echo $! > kid2
${IGNORES_TERM}`,
    { 'timeout-kill': '300' },
  );
  const s = supervise(dir);
  const pid = await waitFor('up', () => servicePid(dir));
  await waitFor('trap set', () => existsSync(join(dir, 'ready')));
  const kid1 = readPid(join(dir, 'kid1'));
  const kid2 = readPid(join(dir, 'kid2'));
  pids.push(kid1, kid2);
  assert.ok(alive(kid1) && alive(kid2));
  const sid = (p: number) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  };
  assert.equal(sid(kid1), pid);
  // setsid(1) calls setsid() just after the shell forked it: wait for that.
  await waitFor('kid2 in a session of its own', () => sid(kid2) === kid2);
  debianSvc(['-dx', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
  await waitFor('children gone', () => !alive(kid1) && !alive(kid2));
  assert.equal(alive(pid), false);
});

test('run exits on TERM, a child that left its session survives: killed after timeout-kill', async () => {
  const dir = makeService(
    tmp,
    'session-kid',
    `setsid sh -c 'trap "" TERM; exec sleep 1000' & echo $! > kid
echo ready > ready
exec sleep 1000`,
    { 'timeout-kill': '300' },
  );
  const s = supervise(dir);
  await waitFor('up', () => servicePid(dir));
  await waitFor('ready', () => existsSync(join(dir, 'ready')));
  const kid = readPid(join(dir, 'kid'));
  pids.push(kid);
  await waitFor('kid in its own session', () => {
    const stat = readFileSync(`/proc/${kid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]) === kid;
  });
  debianSvc(['-dx', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
  await waitFor('kid killed', () => !alive(kid));
});

test('group member that outlives ./run is killed after timeout-kill; without it, left alone', async () => {
  const body = `sh -c 'trap "" TERM; exec sleep 1000' & echo $! > kid
echo ready > ready
exec sleep 1000`;
  const withTimeout = makeService(tmp, 'group-kill', body, { 'timeout-kill': '300' });
  const without = makeService(tmp, 'group-left', body);
  const s1 = supervise(withTimeout);
  const s2 = supervise(without);
  for (const d of [withTimeout, without]) await waitFor('ready', () => existsSync(join(d, 'ready')));
  const kid1 = readPid(join(withTimeout, 'kid'));
  const kid2 = readPid(join(without, 'kid'));
  pids.push(kid1, kid2);
  debianSvc(['-dx', withTimeout, without]);
  assert.deepEqual(await s1.exit, { code: 0, signal: null });
  assert.deepEqual(await s2.exit, { code: 0, signal: null });
  await waitFor('group member killed', () => !alive(kid1));
  assert.ok(alive(kid2), 'daemontools behaviour without timeout-kill: the rest of the group is left alone');
});
