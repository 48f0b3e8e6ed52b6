// The state machine's new states end to end, in both hosting modes (supervise per process, and
// every Supervisor inside `svscan -1`): readiness through notification-fd, waiting with svc -w
// and svwait (pushed through event/), ./finish 125 = failed, the death tally, down-signal; and
// Debian's svc/svstat against each new state.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Subscription } from '@fortress/core/fifodir';
import { pidsUnder } from '@fortress/test-support/processes';
import { makeService, makeTempDir, REPO, readStatusJson, SUPERVISE_BIN, waitFor, writeExecutable } from './helpers.js';

const SVC_BIN = join(REPO, 'packages/svc/bin');
const SVSCAN_BIN = join(REPO, 'packages/svscan/bin/svscan.js');

interface Host {
  dir: string;
  /** supervise, or svscan -1 hosting it. */
  proc: ChildProcess;
}

function ours(program: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(SVC_BIN, `${program}.js`), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function debian(program: string, args: string[]): string {
  return spawnSync(`/usr/bin/${program}`, args, { encoding: 'utf8', timeout: 10_000 }).stdout;
}

/** A waiting program run in the background; resolves with its exit status and stderr. */
function background(
  program: string,
  args: string[],
): { done: Promise<{ status: number | null; stderr: string }>; child: ChildProcess } {
  const child = spawn(process.execPath, [join(SVC_BIN, `${program}.js`), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<{ status: number | null; stderr: string }>((resolve) =>
    child.on('exit', (status) => resolve({ status, stderr })),
  );
  return { done, child };
}

const subscribers = (dir: string): number =>
  readdirSync(join(dir, 'event')).filter((name) => name.startsWith('ftrig1')).length;

for (const mode of ['per-process', 'one-process'] as const) {
  describe(`states, readiness and waiting (${mode})`, () => {
    const root = makeTempDir('supervise-readiness-');
    const children: ChildProcess[] = [];
    after(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (let round = 0; round < 20; round++) {
        const left = pidsUnder(root);
        if (left.length === 0) break;
        for (const pid of left) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      rmSync(root, { recursive: true, force: true });
    });
    let count = 0;

    /** A service NAME with RUN (and FILES), supervised in this mode; waits until supervise answers. */
    async function host(run: string, files: Record<string, string> = {}): Promise<Host> {
      const scan = join(root, `scan${count++}`);
      mkdirSync(scan);
      const dir = makeService(scan, 'sv', run, files);
      if (files['finish']) writeExecutable(join(dir, 'finish'), files['finish']);
      const proc =
        mode === 'per-process'
          ? spawn(process.execPath, [SUPERVISE_BIN, dir], { stdio: 'ignore', cwd: scan })
          : spawn(process.execPath, [SVSCAN_BIN, '-1', scan], { stdio: 'ignore', cwd: scan });
      children.push(proc);
      await waitFor('supervise to answer', () => spawnSync('/usr/bin/svok', [dir]).status === 0);
      return { dir, proc };
    }

    test('notification-fd: starting until the newline, then ready (U); svc -wU waits for it', async () => {
      const { dir } = await host('while [ ! -e go ]; do sleep 0.05; done\necho ready >&5\nexec sleep 1000', {
        'notification-fd': '5\n',
        down: '',
      });
      const waiter = background('svc', ['-wU', '-T', '60000', '-u', dir]);
      await waitFor('./run to start', () => readStatusJson(dir).pid !== 0);
      const starting = readStatusJson(dir) as unknown as Record<string, unknown>;
      assert.deepEqual([starting['state'], starting['ready'], starting['readySince']], ['starting', false, null]);
      assert.match(ours('svstat', [dir]).stdout, /^.*: up \(pid \d+\) \d+ seconds, normally down\n$/);
      assert.match(debian('svstat', [dir]), /^.*: up \(pid \d+\) \d+ seconds, normally down\n$/);
      assert.equal(waiter.child.exitCode, null, 'svc -wU waits while the service is starting');
      writeFileSync(join(dir, 'go'), '');
      assert.deepEqual(await waiter.done, { status: 0, stderr: '' });
      const ready = readStatusJson(dir) as unknown as Record<string, unknown>;
      assert.deepEqual([ready['state'], ready['ready'], typeof ready['readySince']], ['ready', true, 'number']);
      assert.match(ours('svstat', [dir]).stdout, /: up \(pid \d+\) \d+ seconds, normally down, ready \d+ seconds\n$/);
      assert.match(
        debian('svstat', [dir]),
        /: up \(pid \d+\) \d+ seconds, normally down\n$/,
        "Debian's line is 0.76's",
      );
      assert.deepEqual(ours('svwait', ['-U', dir]), { status: 0, stdout: '', stderr: '' }, 'ready already: at once');
    });

    test('a daemon that never becomes ready: svc -wU -T 500 exits 99', async () => {
      const { dir } = await host('exec sleep 1000', { 'notification-fd': '4' });
      await waitFor('./run to start', () => readStatusJson(dir).pid !== 0);
      assert.deepEqual(ours('svc', ['-wU', '-T', '500', dir]), {
        status: 99,
        stdout: '',
        stderr: `svc: fatal: unable to wait for ${dir}: timed out\n`,
      });
      assert.equal((readStatusJson(dir) as unknown as Record<string, unknown>)['state'], 'starting');
    });

    test('the notification fd closed without a newline: up, never ready', async () => {
      const { dir } = await host('exec 5>&-\nexec sleep 1000', { 'notification-fd': '5' });
      await waitFor(
        'the pipe to close',
        () => (readStatusJson(dir) as unknown as Record<string, unknown>)['state'] === 'up',
      );
      const status = readStatusJson(dir) as unknown as Record<string, unknown>;
      assert.deepEqual([status['ready'], status['readySince']], [false, null]);
      assert.equal(ours('svwait', ['-U', '-T', '300', dir]).status, 99);
      assert.equal(ours('svwait', ['-u', dir]).status, 0);
      assert.match(ours('svstat', [dir]).stdout, /: up \(pid \d+\) \d+ seconds\n$/);
    });

    test('supervise (or svscan -1) SIGKILLed while a waiter waits: 102', async () => {
      const { dir, proc } = await host('exec sleep 1000', { 'notification-fd': '5' });
      const waiter = background('svwait', ['-U', dir]);
      await waitFor('svwait to subscribe', () => subscribers(dir) === 1);
      proc.kill('SIGKILL');
      assert.deepEqual(await waiter.done, {
        status: 102,
        stderr: `svwait: fatal: unable to wait for ${dir}: supervise went away\n`,
      });
    });

    test('./finish exiting 125: failed (O), not restarted until svc -u; the death tally; Debian svc/svstat', async () => {
      const { dir } = await host('exit 3', { finish: 'exit 125', down: '' });
      const waiter = background('svwait', ['-u', '-T', '60000', dir]);
      await waitFor('svwait to subscribe', () => subscribers(dir) === 1);
      const events = Subscription.subscribe(join(dir, 'event'));
      let seen = '';
      try {
        spawnSync('/usr/bin/svc', ['-o', dir]);
        // svwait -u: the u event came before O: it is up for a moment, so reached.
        assert.equal((await waiter.done).status, 0);
        await waitFor(
          'failed',
          () => (readStatusJson(dir) as unknown as Record<string, unknown>)['state'] === 'failed',
        );
        await waitFor('the events up to O', () => {
          seen += events.read();
          return seen.includes('O');
        });
        assert.equal(seen, 'sudDO', 'start, up, down, finish done, failed');
      } finally {
        events.close();
      }
      assert.match(ours('svstat', [dir]).stdout, /: down \d+ seconds, failed\n$/);
      assert.match(debian('svstat', [dir]), /: down \d+ seconds\n$/, 'want down: no "want up" for a failed service');
      const svdt = ours('svdt', [dir]);
      assert.match(svdt.stdout, /^@[0-9a-f]{24} exitcode 3\n$/);
      // Failed: a waiter for up learns it at once (exit 1), and nothing restarts it.
      assert.deepEqual(ours('svwait', ['-u', dir]), {
        status: 1,
        stdout: '',
        stderr: `svwait: fatal: unable to wait for ${dir}: failed permanently\n`,
      });
      assert.equal(readStatusJson(dir).starts, 1);
      // Debian's svc -u starts it again (and it fails again).
      spawnSync('/usr/bin/svc', ['-u', dir]);
      await waitFor('the second death in the tally', () => ours('svdt', [dir]).stdout.split('\n').length === 3);
      assert.equal(readStatusJson(dir).starts, 2);
    });

    test('down-signal: svc -d sends that signal instead of TERM; svc -wD returns once down and finished', async () => {
      const { dir } = await host(
        "trap 'echo quit > got; exit 0' QUIT\ntrap 'echo term > got; exit 0' TERM\nwhile :; do sleep 0.05; done",
        {
          'down-signal': 'QUIT\n',
          finish: 'echo finished > finished',
        },
      );
      await waitFor('./run to start', () => readStatusJson(dir).pid !== 0);
      assert.deepEqual(ours('svc', ['-wD', '-T', '60000', '-d', dir]), { status: 0, stdout: '', stderr: '' });
      assert.equal(readFileSync(join(dir, 'got'), 'utf8'), 'quit\n');
      assert.equal(readFileSync(join(dir, 'finished'), 'utf8'), 'finished\n');
      assert.equal((readStatusJson(dir) as unknown as Record<string, unknown>)['state'], 'down');
      assert.match(ours('svdt', [dir]).stdout, /^@[0-9a-f]{24} exitcode 0\n$/);
    });
  });
}

test('restart-delay-max: a crash loop under backoff starts at least 1, 2, 4, 4 s apart (cap 4000)', async () => {
  const root = makeTempDir('supervise-backoff-');
  const dir = makeService(root, 'sv', 'date +%s%N >> starts\nexit 1', { 'restart-delay-max': '4000' });
  const proc = spawn(process.execPath, [SUPERVISE_BIN, dir], { stdio: 'ignore' });
  try {
    const starts = (): number[] => {
      try {
        return readFileSync(join(dir, 'starts'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((ns) => Number(ns) / 1e6);
      } catch {
        return [];
      }
    };
    await waitFor('five starts', () => starts().length >= 5, 120_000);
    const at = starts();
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // Lower bounds only (a loaded machine may add time, never take it away); 20 ms for clocks.
    const least = [1000, 2000, 4000, 4000];
    for (let i = 0; i < least.length; i++) assert.ok(gaps[i]! >= least[i]! - 20, `gap ${i}: ${gaps[i]} ms`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(root, { recursive: true, force: true });
  }
});
