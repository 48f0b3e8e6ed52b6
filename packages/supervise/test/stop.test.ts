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
  groupMembers,
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

function supervise(dir: string, env: NodeJS.ProcessEnv = process.env): Started {
  const s = startSupervise(dir, undefined, env);
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

// Issue 18, "Stopping must never hang": supervise's SIGTERM is a tree stop with a deadline.
const withGrace = (ms: number | undefined): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.FORTRESS_KILL_GRACETIME;
  if (ms !== undefined) env.FORTRESS_KILL_GRACETIME = String(ms);
  return env;
};

/** A ./run that ignores TERM, with a background child in its group that ignores it too. */
const STUBBORN = `sh -c 'trap "" TERM; exec sleep 1000' & echo $! > kid
${IGNORES_TERM}`;

for (const grace of [undefined, 400]) {
  const ms = grace ?? 3000;
  test(`SIGTERM to supervise, ./run ignores TERM, no timeout-kill: SIGKILL to its group after ${ms} ms${grace === undefined ? ' (default)' : ' (FORTRESS_KILL_GRACETIME)'}`, {
    timeout: 60_000,
  }, async () => {
    const dir = makeService(tmp, `stubborn-${ms}`, STUBBORN);
    const s = supervise(dir, withGrace(grace));
    const pid = await waitFor('up', () => servicePid(dir));
    await waitFor('trap set', () => existsSync(join(dir, 'ready')));
    const kid = readPid(join(dir, 'kid'));
    pids.push(kid);
    assert.deepEqual(groupMembers(pid).includes(kid), true);
    s.proc.kill('SIGTERM');
    const exit = await Promise.race([
      s.exit,
      new Promise((r) => setTimeout(() => r('still running 30 s after SIGTERM'), 30_000)),
    ]);
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(
      s.stderr(),
      `supervise: warning: ${dir} did not stop within ${ms} ms: sent SIGKILL to process group ${pid}\n`,
    );
    assert.ok(count(join(dir, 'log'), 'term') >= 1, './run was sent SIGTERM first');
    await waitFor('nothing left of the group', () => groupMembers(pid).length === 0);
    assert.equal(alive(kid), false);
    assert.equal(readStatusJson(dir).lastExit?.signal, 'SIGKILL');
  });
}

test('SIGTERM to supervise: timeout-kill wins over the grace time', { timeout: 60_000 }, async () => {
  const dir = makeService(tmp, 'stubborn-timeout-kill', IGNORES_TERM, { 'timeout-kill': '200' });
  const s = supervise(dir, withGrace(600_000));
  const pid = await waitFor('up', () => servicePid(dir));
  await waitFor('trap set', () => existsSync(join(dir, 'ready')));
  s.proc.kill('SIGTERM');
  assert.deepEqual(await s.exit, { code: 0, signal: null });
  assert.equal(
    s.stderr(),
    `supervise: warning: ${dir} did not stop within 200 ms: sent SIGKILL to process group ${pid}\n`,
  );
});

test('SIGTERM to supervise: a background child of ./run does not outlive the stop (sleep & exec server)', {
  timeout: 60_000,
}, async () => {
  // The server stops on TERM at once; its background child would be left by 0.76.
  const dir = makeService(tmp, 'background', 'sleep 1000 & echo $! > kid\nexec sleep 1001');
  const s = supervise(dir, withGrace(600_000));
  const pid = await waitFor('up', () => servicePid(dir));
  await waitFor('kid recorded', () => readPid(join(dir, 'kid')) > 0);
  const kid = readPid(join(dir, 'kid'));
  pids.push(kid);
  s.proc.kill('SIGTERM');
  // Long before the (10 minute) grace time: the child took SIGTERM as soon as ./run was gone.
  assert.deepEqual(await s.exit, { code: 0, signal: null });
  assert.equal(alive(kid), false);
  assert.deepEqual(groupMembers(pid), []);
  assert.equal(s.stderr(), '');
});
