// Our svc, svstat and svok driving a real supervise (Debian's, and ours once it is built): every
// letter reaches the service (a ./run that traps signals writes what it got), and our svstat
// and svok answer exactly as Debian's do in each state.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  debian,
  isAlive,
  makeService,
  ours,
  processState,
  RunningSupervise,
  readSignals,
  removeDir,
  SIGNAL_RUN,
  SLEEP_RUN,
  SUPERVISE_KINDS,
  statusPid,
  tempDir,
  waitFor,
} from './helpers.js';

/** Our svstat equals Debian's (retrying across a second boundary); returns the text after "DIR: ". */
async function sameStatus(dir: string): Promise<string> {
  for (let round = 0; round < 20; round++) {
    const a = debian('svstat', [dir]);
    const mine = ours('svstat', [dir]);
    const b = debian('svstat', [dir]);
    if (a.stdout !== b.stdout) continue;
    assert.deepEqual(mine, a);
    return mine.stdout.slice(dir.length + 2, -1);
  }
  throw new Error('svstat kept changing');
}

async function statusMatching(dir: string, pattern: RegExp): Promise<string> {
  return waitFor(`svstat ${dir} to match ${pattern}`, () => {
    const text = ours('svstat', [dir]).stdout;
    return pattern.test(text) ? text : '';
  });
}

function svc(args: string[]): void {
  const r = ours('svc', args);
  assert.deepEqual(r, { status: 0, stdout: '', stderr: '' }, `svc ${args.join(' ')}`);
}

for (const { kind, skip } of SUPERVISE_KINDS) {
  describe(`against ${kind} supervise`, { skip }, () => {
    let root: string;
    const running: RunningSupervise[] = [];

    before(() => {
      root = tempDir();
    });

    after(async () => {
      for (const s of running) await s.stop();
      removeDir(root);
    });

    function supervise(dir: string): RunningSupervise {
      const s = new RunningSupervise(kind, dir);
      running.push(s);
      return s;
    }

    test('signal letters h a i t k reach ./run, p and c stop and continue it', async () => {
      const dir = makeService(root, 'signals', SIGNAL_RUN);
      const s = supervise(dir);
      await s.ready();
      const pid = await s.up();
      await waitFor('./run to install its traps', () => readSignals(dir).includes(`start ${pid}`));
      const letters: [string, string][] = [
        ['-h', 'HUP'],
        ['-a', 'ALRM'],
        ['-i', 'INT'],
      ];
      if (kind === 'ours') letters.push(['-q', 'QUIT'], ['-1', 'USR1'], ['-2', 'USR2']);
      for (const [letter, signal] of letters) {
        const count = readSignals(dir).filter((l) => l === signal).length;
        svc([letter, dir]);
        await waitFor(
          `${signal} after svc ${letter}`,
          () => readSignals(dir).filter((l) => l === signal).length > count,
        );
      }
      assert.equal(statusPid(dir), pid, 'the signals did not restart the service');

      svc(['-p', dir]);
      await waitFor('./run stopped', () => processState(pid) === 'T');
      assert.match(await sameStatus(dir), /^up \(pid \d+\) \d+ seconds, paused$/);
      svc(['-c', dir]);
      await waitFor('./run continued', () => processState(pid) !== 'T');
      assert.match(await sameStatus(dir), /^up \(pid \d+\) \d+ seconds$/);

      svc(['-t', dir]);
      await waitFor('TERM recorded', () => readSignals(dir).includes('TERM'));
      const second = await waitFor('restart after TERM', () => {
        const p = statusPid(dir);
        return p !== pid && isAlive(p) ? p : 0;
      });
      s.track(second);

      svc(['-k', dir]);
      const third = await waitFor('restart after KILL', () => {
        const p = statusPid(dir);
        return p !== second && isAlive(p) ? p : 0;
      });
      s.track(third);
      await waitFor('second ./run gone', () => !isAlive(second));
    });

    test('u d o x: up, down, once, exit, with svstat and svok as Debian', async () => {
      const dir = makeService(root, 'updown', SIGNAL_RUN);
      const s = supervise(dir);
      await s.ready();
      const pid = await s.up();
      assert.equal(ours('svok', [dir]).status, 0);
      assert.match(await sameStatus(dir), new RegExp(`^up \\(pid ${pid}\\) \\d+ seconds$`));

      svc(['-d', dir]);
      await statusMatching(dir, /: down \d+ seconds, normally up\n$/);
      assert.ok(readSignals(dir).includes('TERM'), './run got TERM from svc -d');
      assert.match(await sameStatus(dir), /^down \d+ seconds, normally up$/);

      svc(['-o', dir]);
      const once = await s.up();
      assert.notEqual(once, pid);
      svc(['-k', dir]);
      await statusMatching(dir, /: down \d+ seconds, normally up\n$/);
      assert.match(await sameStatus(dir), /^down \d+ seconds, normally up$/);

      svc(['-u', dir]);
      await s.up();
      assert.match(await sameStatus(dir), /^up \(pid \d+\) \d+ seconds$/);

      svc(['-dx', dir]);
      await waitFor('supervise to exit after -dx', () => s.exited);
      assert.equal(ours('svok', [dir]).status, 100);
      assert.equal(debian('svok', [dir]).status, 100);
      assert.equal(await sameStatus(dir), 'supervise not running');
      const r = ours('svc', ['-u', dir]);
      assert.equal(r.stderr, `svc: warning: unable to control ${dir}: supervise not running\n`);
      assert.equal(r.status, 0);
    });

    test('normally down, and want down for a ./run that ignores TERM', async () => {
      const dir = makeService(root, 'stubborn', "#!/bin/sh\ntrap '' TERM\nexec sleep 1000\n", true);
      const s = supervise(dir);
      await s.ready();
      await statusMatching(dir, /: down \d+ seconds\n$/);
      assert.match(await sameStatus(dir), /^down \d+ seconds$/);
      svc(['-u', dir]);
      const pid = await s.up();
      assert.match(await sameStatus(dir), /^up \(pid \d+\) \d+ seconds, normally down$/);
      svc(['-d', dir]);
      await statusMatching(dir, /want down/);
      assert.match(await sameStatus(dir), /^up \(pid \d+\) \d+ seconds, normally down, want down$/);
      svc(['-p', dir]);
      await statusMatching(dir, /paused/);
      assert.match(await sameStatus(dir), /^up \(pid \d+\) \d+ seconds, normally down, paused, want down$/);
      svc(['-k', dir]);
      await statusMatching(dir, /: down \d+ seconds\n$/);
      await waitFor('./run killed', () => !isAlive(pid));
      assert.match(await sameStatus(dir), /^down \d+ seconds$/);
    });

    test('svstat --json follows the same states', async () => {
      const dir = makeService(root, 'json', SLEEP_RUN);
      writeFileSync(join(dir, 'down'), '');
      const s = supervise(dir);
      await s.ready();
      await statusMatching(dir, /: down \d+ seconds\n$/);
      const down = JSON.parse(ours('svstat', ['--json', dir]).stdout);
      assert.equal(down.state, 'down');
      assert.equal(down.pid, 0);
      assert.equal(down.normally, 'down');
      assert.equal(down.error, null);
      svc(['-u', dir]);
      const pid = await s.up();
      const up = JSON.parse(ours('svstat', ['--json', dir]).stdout);
      assert.equal(up.state, 'up');
      assert.equal(up.pid, pid);
      assert.equal(up.want, 'up');
      assert.equal(up.paused, false);
      if (kind === 'ours') {
        assert.ok(up.starts >= 1, `starts from status.json: ${JSON.stringify(up)}`);
        assert.equal(up.restarts, up.starts - 1);
        assert.equal(typeof up.supervisor, 'number');
        svc(['-k', dir]);
        await waitFor('a restart recorded with the KILL', () => {
          const j = JSON.parse(ours('svstat', ['--json', dir]).stdout);
          return j.state === 'up' && j.pid !== pid && j.lastExit?.signal === 'SIGKILL' && j.restarts >= 1;
        });
        s.track(statusPid(dir));
      } else {
        assert.equal(up.starts, null, 'Debian supervise writes no status.json');
        assert.equal(up.lastExit, null);
      }
    });
  });
}
