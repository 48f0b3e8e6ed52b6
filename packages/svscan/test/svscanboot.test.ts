// svscanboot with multilog, its usage errors, and svscan behind tini as a container's pid 1 would run it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  childrenOf,
  cleanUp,
  isAlive,
  livePids,
  makeService,
  processesUnder,
  REPO,
  readLines,
  type Svscan,
  tempRoot,
  waitFor,
} from './helpers.js';

const SVSCANBOOT = join(REPO, 'packages/svscan/bin/svscanboot.js');
const ENV = { ...process.env, PATH: `${REPO}node_modules/.bin:${process.env.PATH}`, SVSCAN_SUPERVISE: '' };
const roots: string[] = [];
const started: Svscan[] = [];
after(async () => {
  for (const root of roots) await cleanUp(root, started);
});

function launch(command: string, args: string[], cwd: string): Svscan {
  const child = spawn(command, args, { cwd, env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const s = { child, stderr: () => err, exited };
  started.push(s);
  return s;
}

test('svscanboot: usage errors exit 100', () => {
  const bad = spawnSync(process.execPath, [SVSCANBOOT, '-x'], { env: ENV, encoding: 'utf8' });
  assert.equal(bad.status, 100);
  assert.equal(
    bad.stderr,
    'svscanboot: illegal option -- x\nsvscanboot: usage: svscanboot [-1] [-j] [-l logdir | -p] [dir]\n',
  );
  const noValue = spawnSync(process.execPath, [SVSCANBOOT, '-l'], { env: ENV, encoding: 'utf8' });
  assert.equal(noValue.status, 100);
  assert.match(noValue.stderr, /^svscanboot: option requires an argument -- l\n/);
  const two = spawnSync(process.execPath, [SVSCANBOOT, 'a', 'b'], { env: ENV, encoding: 'utf8' });
  assert.equal(two.status, 100);
});

test('svscanboot -l: svscan output in a multilog directory; SIGTERM stops everything and exits 0', async () => {
  const root = tempRoot('boot');
  roots.push(root);
  const scan = join(root, 'scan');
  const logDir = join(root, 'log');
  mkdirSync(scan);
  mkdirSync(logDir);
  const svc = makeService(join(root, 'svc'));
  symlinkSync(svc, join(scan, 'svc'));
  symlinkSync(join(root, 'nowhere'), join(scan, 'dangling'));
  const boot = launch(process.execPath, [SVSCANBOOT, '-l', logDir, scan], root);
  await waitFor('the service to run', () => livePids(join(svc, 'pids')).length === 1);
  await waitFor('svscan warnings in the log', () =>
    readLines(join(logDir, 'current')).some((l) =>
      /^@[0-9a-f]{24} svscan: warning: unable to stat dangling: file does not exist$/.test(l),
    ),
  );
  boot.child.kill('SIGTERM');
  assert.deepEqual(await boot.exited, { code: 0, signal: null });
  assert.ok(readLines(join(logDir, 'current')).some((l) => l.endsWith(' svscan: info: all services down')));
  assert.deepEqual(processesUnder(root), []);
});

test("svscanboot -p: svscan errors at the end of readproctitle's 400 dots in ps, as 0.76; SIGTERM ends both", async () => {
  const root = tempRoot('boot-proctitle');
  roots.push(root);
  const scan = join(root, 'scan');
  mkdirSync(scan);
  const svc = makeService(join(root, 'svc'));
  symlinkSync(svc, join(scan, 'svc'));
  symlinkSync(join(root, 'nowhere'), join(scan, 'dangling'));
  const boot = launch(process.execPath, [SVSCANBOOT, '-p', scan], root);
  await waitFor('the service to run', () => livePids(join(svc, 'pids')).length === 1);
  const warning = 'svscan: warning: unable to stat dangling: file does not exist\n';
  const reader = await waitFor('readproctitle showing the warning', () =>
    childrenOf(boot.child.pid!).find((p) => {
      if (p.argv[0] !== 'readproctitle') return false;
      return readFileSync(`/proc/${p.pid}/cmdline`, 'latin1').replace(/\0+$/, '').endsWith(warning);
    }),
  );
  // The command line 0.76's svscanboot gives it; the window keeps its 400 bytes.
  const line = readFileSync(`/proc/${reader.pid}/cmdline`, 'latin1').replace(/\0+$/, '').split('\0');
  assert.deepEqual(line.slice(0, 3), ['readproctitle', 'service', 'errors:']);
  assert.equal(line.length, 4);
  assert.equal(line[3]!.length, 400);
  assert.match(line[3]!, /^\.\.\..*svscan: warning: unable to stat dangling: file does not exist\n$/s);
  boot.child.kill('SIGTERM');
  assert.deepEqual(await boot.exited, { code: 0, signal: null });
  await waitFor('readproctitle to exit', () => !isAlive(reader.pid));
  assert.deepEqual(processesUnder(root), []);
});

test('tini -s in front of svscan reaps orphaned grandchildren and passes SIGTERM on', async () => {
  const root = tempRoot('tini');
  roots.push(root);
  const scan = join(root, 'scan');
  mkdirSync(scan);
  // ./run leaves an orphan behind: a background sleep whose parent shell exits at once.
  const svc = makeService(join(root, 'svc'), "sh -c 'sleep 3 & echo $! > orphan'\nexec sleep 1000");
  symlinkSync(svc, join(scan, 'svc'));
  const tini = launch(
    '/usr/bin/tini',
    ['-s', '--', process.execPath, join(REPO, 'packages/svscan/bin/svscan.js'), scan],
    root,
  );
  const orphan = await waitFor('the orphan', () => Number(readLines(join(svc, 'orphan'))[0]) || undefined);
  // Re-parented to the nearest subreaper, tini, which reaps it once it exits: no zombie left.
  const parent = (pid: number): number | undefined => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined;
    }
  };
  await waitFor('the orphan to be re-parented to tini', () => parent(orphan) === tini.child.pid);
  await waitFor('the orphan to be reaped', () => parent(orphan) === undefined && !isAlive(orphan));
  tini.child.kill('SIGTERM');
  assert.deepEqual(await tini.exited, { code: 0, signal: null });
  assert.deepEqual(processesUnder(root), []);
});
