// needs/ in whole trees under our svscan (issue 13): supervise starts a service only once what it
// needs is ready (or up, or done); svscan warns of cycles and missing names once, and its TERM
// takes services down in reverse order. Both hosting modes (and Debian's supervise for the stop).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readExtraStatus } from '@fortress/core/extra-status';
import {
  cleanUp,
  livePids,
  makeService,
  processesUnder,
  readLines,
  type Svscan,
  script,
  startSvscan,
  tempRoot,
  waitFor,
} from './helpers.js';

const MODES = [
  { mode: 'per-process', args: [] as string[], ours: true },
  { mode: 'one-process', args: ['-1'], ours: true },
  // Debian's supervise knows no needs/: only the stop order is svscan's to keep.
  { mode: 'per-process, -s /usr/bin/supervise', args: ['-s', '/usr/bin/supervise'], ours: false },
];

/**
 * A ./run that appends `start NAME` to LOG and then says it is ready (notification-fd 3: up
 * alone is reached at the spawn, before the line is written), and `stop NAME` when it gets
 * TERM, then exits.
 */
function recordingRun(log: string, name: string, before = ''): string {
  return [
    `trap 'echo "stop ${name}" >> ${log}; exit 0' TERM`,
    before,
    `echo "start ${name}" >> ${log}`,
    // Debian's supervise opens no fd 3: no readiness there, and no complaint.
    '{ echo >&3; } 2>/dev/null',
    // wait returns on a trapped signal; sleep gets the group's TERM too.
    'sleep 100000 &',
    'wait',
  ].join('\n');
}

/** Creates service NAME in SCAN needing NEEDS, its ./run recording to LOG. */
function service(scan: string, log: string, name: string, needs: string[] = [], before = ''): string {
  const dir = join(scan, name);
  mkdirSync(dir, { recursive: true });
  script(join(dir, 'run'), recordingRun(log, name, before));
  writeFileSync(join(dir, 'notification-fd'), '3\n');
  addNeeds(dir, needs);
  return dir;
}

function addNeeds(dir: string, needs: string[]): void {
  if (needs.length === 0) return;
  mkdirSync(join(dir, 'needs'), { recursive: true });
  for (const n of needs) writeFileSync(join(dir, 'needs', n), '');
}

/** Position of LINE in LOG's lines (fails when absent). */
function indexIn(lines: string[], line: string): number {
  const i = lines.indexOf(line);
  assert.notEqual(i, -1, `${line} missing from ${JSON.stringify(lines)}`);
  return i;
}

/** For every edge (A needs B): the stop of A is before the stop of B. */
function assertStopOrder(lines: string[], edges: [string, string][]): void {
  for (const [a, b] of edges) {
    assert.ok(indexIn(lines, `stop ${a}`) < indexIn(lines, `stop ${b}`), `${a} stops before ${b}: ${lines.join(', ')}`);
  }
}

/** For every edge (A needs B): B started before A. */
function assertStartOrder(lines: string[], edges: [string, string][]): void {
  for (const [a, b] of edges) {
    assert.ok(
      indexIn(lines, `start ${b}`) < indexIn(lines, `start ${a}`),
      `${b} starts before ${a}: ${lines.join(', ')}`,
    );
  }
}

const started = (log: string, names: string[]) => (): boolean => {
  const lines = readLines(log);
  return names.every((n) => lines.includes(`start ${n}`));
};

const count = (text: string, part: string): number => text.split(part).length - 1;

for (const { mode, args, ours } of MODES) {
  describe(`needs/ under svscan (${mode})`, () => {
    const roots: string[] = [];
    const svscans: Svscan[] = [];
    const fresh = (label: string): { root: string; scan: string; log: string } => {
      const root = tempRoot(`needs-${label}`);
      roots.push(root);
      const scan = join(root, 'scan');
      mkdirSync(scan);
      return { root, scan, log: join(root, 'events') };
    };
    const run = (scan: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Svscan => {
      const s = startSvscan(scan, [...args, ...extra], env);
      svscans.push(s);
      return s;
    };
    const stop = async (s: Svscan): Promise<void> => {
      s.child.kill('SIGTERM');
      const end = await s.exited;
      assert.deepEqual(end, { code: 0, signal: null }, s.stderr());
    };
    after(async () => {
      for (const root of roots) await cleanUp(root, svscans);
    });

    test('TERM stops a diamond and a chain in reverse order of needs', async () => {
      const { scan, log } = fresh('stop');
      // d needs b and c, which need a; e needs d (chain on top of the diamond).
      service(scan, log, 'a');
      service(scan, log, 'b', ['a']);
      service(scan, log, 'c', ['a']);
      service(scan, log, 'd', ['b', 'c']);
      service(scan, log, 'e', ['d']);
      service(scan, log, 'free');
      const s = run(scan);
      await waitFor('every service to start', started(log, ['a', 'b', 'c', 'd', 'e', 'free']));
      await stop(s);
      const lines = readLines(log);
      assertStopOrder(lines, [
        ['b', 'a'],
        ['c', 'a'],
        ['d', 'b'],
        ['d', 'c'],
        ['e', 'd'],
      ]);
      assert.equal(lines.filter((l) => l.startsWith('stop ')).length, 6, lines.join(', '));
    });

    test('a dependent that ignores TERM holds its need only until its own timeout-kill', async () => {
      const { scan, log } = fresh('stuck');
      const stuck = join(scan, 'stuck');
      // base says so if it is told to stop while stuck still runs.
      const early = `if kill -0 $(cat ${stuck}/pid) 2>/dev/null; then echo "stuck still up" >> ${log}; fi`;
      const base = join(scan, 'base');
      mkdirSync(base);
      script(
        join(base, 'run'),
        `trap '${early}; echo "stop base" >> ${log}; exit 0' TERM\necho "start base" >> ${log}\nsleep 100000 &\nwait`,
      );
      mkdirSync(join(stuck, 'needs'), { recursive: true });
      writeFileSync(join(stuck, 'needs', 'base'), '');
      writeFileSync(join(stuck, 'timeout-kill'), '300\n');
      script(
        join(stuck, 'run'),
        `trap '' TERM\necho $$ > pid\necho "start stuck" >> ${log}\nwhile :; do sleep 0.05; done`,
      );
      const s = run(scan);
      await waitFor('both to start', started(log, ['base', 'stuck']));
      await stop(s);
      // Debian's supervise may start stuck again before it reads its `d`: only the stops count.
      const stops = readLines(log).filter((l) => !l.startsWith('start '));
      assert.deepEqual(stops, ['stop base'], readLines(log).join(', '));
      assert.deepEqual(processesUnder(stuck), []);
    });

    test('a cycle is reported once, stays waiting, and blocks neither the rest nor the stop', async () => {
      const { root, scan, log } = fresh('cycle');
      service(scan, log, 'x', ['y']);
      service(scan, log, 'y', ['x']);
      service(scan, log, 'healthy');
      service(scan, log, 'user', ['healthy', 'ghost']);
      const s = run(scan, ['-t', '200']);
      await waitFor('healthy to start', started(log, ['healthy']));
      await waitFor('the warnings', () => s.stderr().includes('svscan: warning: user needs missing service ghost'));
      // Two scans later (each marker is found by one): still said once.
      for (const name of ['marker1', 'marker2']) {
        const marker = makeService(join(root, name));
        symlinkSync(marker, join(scan, name));
        await waitFor(`${name} to run`, () => livePids(join(marker, 'pids')).length === 1);
      }
      assert.equal(count(s.stderr(), 'svscan: warning: needs cycle: x -> y -> x\n'), 1, s.stderr());
      assert.equal(count(s.stderr(), 'svscan: warning: user needs missing service ghost\n'), 1, s.stderr());
      if (ours) {
        for (const name of ['x', 'y']) {
          const extra = readExtraStatus(join(scan, name));
          assert.equal(extra?.state, 'waiting', `${name}: ${JSON.stringify(extra)}`);
        }
        // healthy may have come up before user's supervise could subscribe to its event/ (its
        // supervise had not made it yet): the 1 s poll then tells user.
        await waitFor(
          'user waiting for ghost only',
          () => readExtraStatus(join(scan, 'user'))?.waitingFor?.join() === 'ghost',
        );
        assert.ok(!readLines(log).includes('start x') && !readLines(log).includes('start user'));
      }
      await stop(s);
    });

    test('a service added to a running tree, and a needs/ entry gained, order the stop', async () => {
      const { scan, log } = fresh('added');
      service(scan, log, 'db');
      service(scan, log, 'cache');
      const s = run(scan);
      await waitFor('db and cache', started(log, ['db', 'cache']));
      service(scan, log, 'web', ['db']);
      await waitFor('web to start', started(log, ['web']));
      addNeeds(join(scan, 'cache'), ['web']); // cache (running) now needs web
      await stop(s);
      const lines = readLines(log);
      assertStartOrder(lines, [['web', 'db']]);
      assertStopOrder(lines, [
        ['web', 'db'],
        ['cache', 'web'],
      ]);
    });

    test('a needed service removed while running: stopped, its dependent keeps running, svscan says so', async () => {
      const { root, scan, log } = fresh('removed');
      service(scan, log, 'db');
      const web = service(scan, log, 'web', ['db']);
      const s = run(scan);
      await waitFor('both to start', started(log, ['db', 'web']));
      renameSync(join(scan, 'db'), join(root, 'db-gone'));
      await waitFor('db to stop', () => readLines(log).includes('stop db'));
      await waitFor('the warning', () => s.stderr().includes('svscan: warning: web needs missing service db\n'));
      // No cascade (needs-bound is not set): web still runs.
      assert.ok(!readLines(log).includes('stop web'));
      if (ours)
        assert.ok(['up', 'ready'].includes(readExtraStatus(web)?.state ?? ''), JSON.stringify(readExtraStatus(web)));
      await stop(s);
    });

    if (!ours) return;

    test('a chain of five starts in order, each once its need is ready', async () => {
      const { scan, log } = fresh('chain');
      const names = ['n1', 'n2', 'n3', 'n4', 'n5'];
      // Created last first: the scan sees dependents before what they need.
      for (let i = names.length - 1; i >= 0; i--) service(scan, log, names[i]!, i === 0 ? [] : [names[i - 1]!]);
      const s = run(scan);
      await waitFor('the chain to start', started(log, names));
      const lines = readLines(log);
      assertStartOrder(lines, [
        ['n2', 'n1'],
        ['n3', 'n2'],
        ['n4', 'n3'],
        ['n5', 'n4'],
      ]);
      await stop(s);
      assertStopOrder(readLines(log), [
        ['n2', 'n1'],
        ['n3', 'n2'],
        ['n4', 'n3'],
        ['n5', 'n4'],
      ]);
    });

    test('a diamond: the top starts after both sides, which start after the base', async () => {
      const { scan, log } = fresh('diamond');
      service(scan, log, 'top', ['left', 'right']);
      service(scan, log, 'left', ['base']);
      service(scan, log, 'right', ['base']);
      service(scan, log, 'base');
      const s = run(scan);
      await waitFor('the diamond to start', started(log, ['top', 'left', 'right', 'base']));
      assertStartOrder(readLines(log), [
        ['left', 'base'],
        ['right', 'base'],
        ['top', 'left'],
        ['top', 'right'],
      ]);
      await stop(s);
    });

    test('slow readiness: a dependent does not start before the newline on notification-fd', async () => {
      const { root, scan, log } = fresh('ready');
      const gate = join(root, 'gate');
      const slow = join(scan, 'slow');
      mkdirSync(slow);
      writeFileSync(join(slow, 'notification-fd'), '3\n');
      // Up at once, ready only once the test creates the gate file.
      script(
        join(slow, 'run'),
        `echo "start slow" >> ${log}\nwhile [ ! -e ${gate} ]; do sleep 0.05; done\necho "ready slow" >> ${log}\necho >&3\nexec sleep 100000`,
      );
      service(scan, log, 'app', ['slow']);
      const s = run(scan);
      await waitFor('slow to start', started(log, ['slow']));
      await waitFor('app to wait for slow', () => readExtraStatus(join(scan, 'app'))?.state === 'waiting');
      assert.deepEqual(readExtraStatus(join(scan, 'app'))?.waitingFor, ['slow']);
      assert.ok(!readLines(log).includes('start app'));
      writeFileSync(gate, '');
      await waitFor('app to start', started(log, ['app']));
      const lines = readLines(log);
      assert.ok(indexIn(lines, 'ready slow') < indexIn(lines, 'start app'), lines.join(', '));
      await stop(s);
    });

    test('a dependency that fails for good: its dependents say so and keep waiting', async () => {
      const { scan, log } = fresh('failed');
      const broken = join(scan, 'broken');
      mkdirSync(broken);
      script(join(broken, 'run'), 'exit 3');
      script(join(broken, 'finish'), 'exit 125');
      // Never ready: without readiness its moment up would satisfy app (as `up` does).
      writeFileSync(join(broken, 'notification-fd'), '3\n');
      service(scan, log, 'app', ['broken']);
      const s = run(scan);
      await waitFor('broken to fail', () => readExtraStatus(broken)?.state === 'failed');
      const app = await waitFor('app to say so', () => {
        const extra = readExtraStatus(join(scan, 'app'));
        if (extra?.failedNeeds?.includes('broken')) return extra;
        throw new Error(`app: ${JSON.stringify(extra)}; broken: ${JSON.stringify(readExtraStatus(broken))}`);
      });
      assert.equal(app.state, 'waiting');
      assert.deepEqual(app.waitingFor, ['broken']);
      assert.deepEqual(app.failedNeeds, ['broken']);
      assert.ok(!readLines(log).includes('start app'));
      await stop(s);
    });

    test('a oneshot that fails twice then succeeds: done, and its dependent starts after', async () => {
      const { root, scan, log } = fresh('oneshot');
      const setup = join(scan, 'setup');
      mkdirSync(setup);
      writeFileSync(join(setup, 'type'), 'oneshot\n');
      const tries = join(root, 'tries');
      script(
        join(setup, 'run'),
        `echo try >> ${tries}\nn=$(wc -l < ${tries})\nif [ "$n" -lt 3 ]; then exit 1; fi\necho "done setup" >> ${log}\nexit 0`,
      );
      service(scan, log, 'app', ['setup']);
      const s = run(scan);
      await waitFor('app to start', started(log, ['app']));
      assert.equal(readLines(tries).length, 3);
      const lines = readLines(log);
      assert.ok(indexIn(lines, 'done setup') < indexIn(lines, 'start app'), lines.join(', '));
      assert.equal(readExtraStatus(setup)?.state, 'done');
      // Not run again after success.
      assert.equal(readLines(tries).length, 3);
      await stop(s);
      assert.equal(readFileSync(tries, 'utf8'), 'try\ntry\ntry\n');
    });
  });
}
