// NOTIFY_SOCKET end to end, in both hosting modes (supervise per process, and every Supervisor
// inside `svscan -1`): a Type=notify daemon (our small C sender, test/notify-send.c, compiled
// here with cc) becomes ready, says STATUS=, reloads, stops; datagrams from outside the service,
// garbage and oversized ones are ignored; the watchdog restarts a daemon that stops pinging.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Subscription } from '@fortress/core/fifodir';
import {
  inTreeOf,
  NotifySocket,
  notifySocketPath,
  parseNotification,
  readNotifySettings,
} from '@fortress/supervise/notify-socket';
import { cleanup, makeService, makeTempDir, REPO, readStatusJson, SUPERVISE_BIN, waitFor } from './helpers.js';

const SVC_BIN = join(REPO, 'packages/svc/bin');
const SVSCAN_BIN = join(REPO, 'packages/svscan/bin/svscan.js');

type Status = Record<string, unknown>;
const status = (dir: string): Status => readStatusJson(dir) as unknown as Status;

function ours(program: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(SVC_BIN, `${program}.js`), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A waiting svc/svwait in the background; resolves with its exit status and stderr. */
function background(program: string, args: string[]): { done: Promise<{ status: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [join(SVC_BIN, `${program}.js`), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return { done: new Promise((resolve) => child.on('exit', (code) => resolve({ status: code, stderr }))) };
}

describe('notify-socket.ts: parsing, settings, the watchdog, the sender check', () => {
  test('KEY=VALUE lines in order; lines not UTF-8, with a NUL, or without KEY= are left out', () => {
    const bytes = Buffer.concat([
      Buffer.from('READY=1\nSTATUS=a=b c\n\nnokey\n=1\nlower=1\nSTATUS=\xff\n', 'latin1'),
      Buffer.from('X=\0\nWATCHDOG=1\nSTATUS=é✓'),
    ]);
    assert.deepEqual(parseNotification(bytes), [
      ['READY', '1'],
      ['STATUS', 'a=b c'],
      ['WATCHDOG', '1'],
      ['STATUS', 'é✓'],
    ]);
    assert.deepEqual(parseNotification(new Uint8Array(0)), []);
  });

  test('readNotifySettings: notify, abstract, watchdog; a bad watchdog file is a warning', () => {
    const dir = makeTempDir('supervise-notify-settings-');
    try {
      const warnings: string[] = [];
      const read = () => readNotifySettings(dir, (file, reason) => warnings.push(`${file}: ${reason}`));
      assert.equal(read(), undefined, 'no notify file');
      writeFileSync(join(dir, 'notify'), '');
      assert.deepEqual(read(), { watchdogMs: 0, abstract: false });
      writeFileSync(join(dir, 'notify'), 'abstract\n');
      writeFileSync(join(dir, 'watchdog'), '1500\n');
      assert.deepEqual(read(), { watchdogMs: 1500, abstract: true });
      for (const bad of ['0', '-5', '1.5', 'soon', '99999999999']) {
        writeFileSync(join(dir, 'watchdog'), bad);
        assert.deepEqual(read(), { watchdogMs: 0, abstract: true }, bad);
      }
      assert.deepEqual(warnings, Array(5).fill('watchdog: bad format'));
      mkdirSync(join(dir, 'supervise'));
      assert.equal(notifySocketPath(dir), `${realpathSync(dir)}/supervise/notify`);
      assert.match(notifySocketPath(dir, true), /^@fortress\/supervise\/\d+\/\d+\/[0-9a-f]+$/);
    } finally {
      cleanup([], [dir]);
    }
  });

  test('NotifySocket: the watchdog waits while paused (svc -p), and runs again after svc -c', async () => {
    const dir = makeTempDir('supervise-notify-pause-');
    const sleepers: ChildProcess[] = [];
    const sockets: NotifySocket[] = [];
    try {
      mkdirSync(join(dir, 'supervise'));
      const missed: string[] = [];
      const watched = (name: string, ms: number): { socket: NotifySocket; child: ChildProcess } => {
        const callbacks = {
          ready() {},
          reloading() {},
          stopping() {},
          status() {},
          watchdogMissed: () => missed.push(name),
        };
        const socket = new NotifySocket(callbacks, dir, { watchdogMs: ms, abstract: true });
        const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
        sleepers.push(child);
        sockets.push(socket);
        socket.afterSpawn(child.pid!);
        return { socket, child };
      };
      const paused = watched('paused', 100);
      paused.socket.pause(true);
      // Timers of one process fire in the order they expire: once the 300 ms watchdog armed
      // after it has run out, the paused one's 100 ms would have run out first.
      const sentinel = watched('sentinel', 300);
      await waitFor('the sentinel to miss its ping', () => missed.length > 0);
      assert.deepEqual(missed, ['sentinel']);
      await waitFor('SIGABRT to the sentinel', () => sentinel.child.signalCode === 'SIGABRT');
      assert.equal(paused.child.exitCode === null && paused.child.signalCode === null, true, 'the paused one runs');
      paused.socket.pause(false);
      await waitFor('SIGABRT after svc -c', () => paused.child.signalCode === 'SIGABRT');
      assert.deepEqual(missed, ['sentinel', 'paused']);
    } finally {
      for (const socket of sockets) socket.close();
      for (const child of sleepers) child.kill('SIGKILL');
      cleanup([], [dir]);
    }
  });

  test('inTreeOf: the root, its descendants, nothing else', () => {
    assert.equal(inTreeOf(process.pid, process.pid), true);
    assert.equal(inTreeOf(process.pid, process.ppid), true);
    assert.equal(inTreeOf(process.ppid, process.pid), false);
    assert.equal(inTreeOf(0, process.pid), false);
    assert.equal(inTreeOf(4_194_305, process.pid), false, 'no such process');
  });
});

for (const mode of ['per-process', 'one-process'] as const) {
  describe(`NOTIFY_SOCKET (${mode})`, () => {
    const root = makeTempDir('supervise-notify-');
    const sender = join(root, 'notify-send');
    const children: ChildProcess[] = [];
    before(() => {
      const cc = spawnSync(process.env['CC'] || 'cc', [
        '-O1',
        '-o',
        sender,
        join(REPO, 'packages/supervise/test/notify-send.c'),
      ]);
      assert.equal(cc.status, 0, `cc failed: ${cc.stderr}`);
    });
    after(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      cleanup([], [root]);
    });
    let count = 0;

    /** A service with RUN (`$S` is the sender) and FILES, supervised in this mode. */
    async function host(run: string, files: Record<string, string>, parent = root): Promise<string> {
      const scan = join(parent, `scan${count++}`);
      mkdirSync(scan, { recursive: true });
      const dir = makeService(scan, 'sv', `S=${sender}\n${run}`, files);
      const proc =
        mode === 'per-process'
          ? spawn(process.execPath, [SUPERVISE_BIN, dir], { stdio: 'ignore', cwd: scan })
          : spawn(process.execPath, [SVSCAN_BIN, '-1', scan], { stdio: 'ignore', cwd: scan });
      children.push(proc);
      await waitFor('supervise to answer', () => spawnSync('/usr/bin/svok', [dir]).status === 0);
      return dir;
    }

    test('READY=1 from the main process: svc -wU returns; STATUS= in status.json and svstat --json', async () => {
      const dir = await host(
        'while [ ! -e go ]; do sleep 0.05; done\necho "$NOTIFY_SOCKET" > socket-path\n' +
          "exec $S 'STATUS=serving 5 clients' 'READY=1' -- sleep 1000",
        { notify: '', down: '' },
      );
      const waiter = background('svc', ['-wU', '-T', '60000', '-u', dir]);
      await waitFor('./run to start', () => status(dir)['pid'] !== 0);
      const starting = status(dir);
      assert.deepEqual(
        [starting['state'], starting['ready'], starting['readySince'], starting['statusText']],
        ['starting', false, null, null],
      );
      assert.ok(existsSync(join(dir, 'supervise/notify')), 'the socket is in supervise/');
      writeFileSync(join(dir, 'go'), '');
      assert.deepEqual(await waiter.done, { status: 0, stderr: '' });
      const ready = status(dir);
      assert.deepEqual(
        [ready['state'], ready['ready'], typeof ready['readySince'], ready['statusText']],
        ['ready', true, 'number', 'serving 5 clients'],
      );
      assert.equal(readFileSync(join(dir, 'socket-path'), 'utf8'), `${realpathSync(dir)}/supervise/notify\n`);
      const json = JSON.parse(ours('svstat', ['--json', dir]).stdout);
      assert.deepEqual([json.supervision, json.ready, json.statusText], ['ready', true, 'serving 5 clients']);
      assert.match(ours('svstat', [dir]).stdout, /: up \(pid \d+\) \d+ seconds, normally down, ready \d+ seconds\n$/);
      assert.match(
        spawnSync('/usr/bin/svstat', [dir], { encoding: 'utf8' }).stdout,
        /: up \(pid \d+\) \d+ seconds, normally down\n$/,
        "Debian's svstat reads the 0.76 status",
      );
      spawnSync('/usr/bin/svc', ['-d', dir]);
      await waitFor('down', () => status(dir)['state'] === 'down');
      assert.equal(existsSync(join(dir, 'supervise/notify')), false, 'the socket goes with ./run');
      assert.equal(status(dir)['statusText'], 'serving 5 clients', 'the last STATUS= stays until the next start');
    });

    test("Debian's systemd-notify, a child of ./run, is heard", async () => {
      const dir = await host(
        "systemd-notify --ready --status='from systemd-notify' || echo failed > failures\nexec sleep 1000",
        { notify: '' },
      );
      assert.equal(ours('svwait', ['-U', '-T', '60000', dir]).status, 0);
      assert.deepEqual([status(dir)['state'], status(dir)['statusText']], ['ready', 'from systemd-notify']);
      assert.equal(existsSync(join(dir, 'failures')), false);
    });

    test('datagrams from a process outside the service are ignored', async () => {
      const dir = await host('exec sleep 1000', { notify: '' });
      await waitFor('./run to start', () => status(dir)['pid'] !== 0);
      // The barrier returns once supervise has read both datagrams (and closed the passed fd).
      const outsider = spawnSync(sender, ['-b', 'READY=1\nSTATUS=intruder'], {
        env: { NOTIFY_SOCKET: `${realpathSync(dir)}/supervise/notify` },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.deepEqual([outsider.status, outsider.stderr], [0, '']);
      const after = status(dir);
      assert.deepEqual([after['state'], after['ready'], after['statusText']], ['starting', false, null]);
      assert.equal(ours('svwait', ['-U', '-T', '200', dir]).status, 99);
    });

    test('garbage, malformed and oversized datagrams are ignored, passed descriptors closed', async () => {
      const dir = await host(
        [
          "$S -z 65536 -z 4097 'STATUS=\\xff\\xfe\\x00garbage' 'READY=1\\xff' 'READY=0' 'READY' '=1' 'ready=1' \\",
          "  'READY=1 ' 'STATUS=\\xc3\\x28\\nnot a line' '' 'WATCHDOG_USEC=x' '\\x00\\x01\\x02' || echo send >> failures",
          "$S -b 'STATUS=after garbage' || echo barrier >> failures",
          'while [ ! -e go ]; do sleep 0.05; done',
          "$S -b 'READY=1' || echo ready >> failures",
          'exec sleep 1000',
        ].join('\n'),
        { notify: '' },
      );
      await waitFor('the STATUS after the garbage', () => status(dir)['statusText'] === 'after garbage');
      const after = status(dir);
      assert.deepEqual([after['state'], after['ready'], after['starts']], ['starting', false, 1]);
      assert.equal(spawnSync('/usr/bin/svok', [dir]).status, 0, 'supervise lives on');
      const waiter = background('svwait', ['-U', '-T', '60000', dir]);
      writeFileSync(join(dir, 'go'), '');
      assert.deepEqual(await waiter.done, { status: 0, stderr: '' });
      assert.equal(existsSync(join(dir, 'failures')), false, 'every send and barrier succeeded');
    });

    test('RELOADING=1: not ready until READY=1 again; STOPPING=1; a new start forgets STATUS=', async () => {
      const dir = await host(
        [
          '[ -e quit ] && exec $S -b READY=1 -- sleep 1000',
          "$S -b 'READY=1'",
          'while [ ! -e reload ]; do sleep 0.05; done',
          "$S -b 'RELOADING=1' 'STATUS=reloading'",
          'while [ ! -e again ]; do sleep 0.05; done',
          "$S -b 'READY=1' 'STATUS=reloaded'",
          'while [ ! -e stop ]; do sleep 0.05; done',
          "$S -b 'STOPPING=1'",
          'while [ ! -e quit ]; do sleep 0.05; done',
        ].join('\n'),
        { notify: '' },
      );
      assert.equal(ours('svwait', ['-U', '-T', '60000', dir]).status, 0);
      const events = Subscription.subscribe(join(dir, 'event'));
      let seen = '';
      try {
        writeFileSync(join(dir, 'reload'), '');
        await waitFor('reloading', () => status(dir)['statusText'] === 'reloading');
        const reloading = status(dir);
        assert.deepEqual([reloading['state'], reloading['ready'], reloading['readySince']], ['starting', false, null]);
        assert.equal(ours('svwait', ['-U', '-T', '200', dir]).status, 99, 'not ready while reloading');
        const waiter = background('svwait', ['-U', '-T', '60000', dir]);
        writeFileSync(join(dir, 'again'), '');
        assert.deepEqual(await waiter.done, { status: 0, stderr: '' });
        assert.deepEqual([status(dir)['state'], status(dir)['statusText']], ['ready', 'reloaded']);
        seen += events.read();
        assert.equal(seen, 'U', 'ready again: one U, no start or down');
      } finally {
        events.close();
      }
      writeFileSync(join(dir, 'stop'), '');
      await waitFor('stopping', () => status(dir)['state'] === 'stopping');
      assert.equal(status(dir)['ready'], false);
      assert.match(spawnSync('/usr/bin/svstat', [dir], { encoding: 'utf8' }).stdout, /: up \(pid \d+\) \d+ seconds\n$/);
      writeFileSync(join(dir, 'quit'), '');
      await waitFor('the next start, ready', () => status(dir)['starts'] === 2 && status(dir)['state'] === 'ready');
      assert.equal(status(dir)['statusText'], null);
    });

    test('watchdog: WATCHDOG_USEC passed, pings keep ./run, a missed ping gets SIGABRT and a restart', async () => {
      const dir = await host(
        [
          'echo "$WATCHDOG_USEC" >> usec',
          "$S -b 'READY=1'",
          'n=0',
          "while [ ! -e stop ]; do $S -b 'WATCHDOG=1'; n=$((n+1)); echo $n > pings; sleep 0.1; done",
          'exec sleep 1000',
        ].join('\n'),
        { notify: '', watchdog: '2500\n' },
      );
      await waitFor('the first start to be ready', () => status(dir)['state'] === 'ready');
      // 40 pings at 0.1 s intervals outlast the 2.5 s watchdog: only the pings kept ./run.
      await waitFor('40 pings', () => Number(readFileSync(join(dir, 'pings'), 'utf8')) >= 40);
      assert.equal(status(dir)['starts'], 1);
      const first = status(dir)['pid'];
      writeFileSync(join(dir, 'stop'), '');
      await waitFor('the restart', () => status(dir)['starts'] === 2);
      const { lastExit } = status(dir) as { lastExit: { code: number | null; signal: string } };
      // Signal 6 has two names; Node's table gives either.
      assert.match(lastExit.signal, /^SIG(ABRT|IOT)$/);
      assert.notEqual(status(dir)['pid'], first);
      // The status says starts 2 as soon as the spawn is made: the new ./run may not have run yet.
      await waitFor('the second ./run', () => readFileSync(join(dir, 'usec'), 'utf8').split('\n').length >= 3);
      assert.match(readFileSync(join(dir, 'usec'), 'utf8'), /^2500000\n2500000\n/);
    });

    test('WATCHDOG=trigger: SIGABRT at once, without a watchdog file', async () => {
      const dir = await host(
        "echo $WATCHDOG_USEC. >> usec\n[ -e restarted ] && exec $S READY=1 -- sleep 1000\ntouch restarted\nexec $S 'READY=1' 'WATCHDOG=trigger' -- sleep 1000",
        { notify: '' },
      );
      await waitFor('the restart, ready', () => status(dir)['starts'] === 2 && status(dir)['state'] === 'ready');
      assert.match((status(dir)['lastExit'] as { signal: string }).signal, /^SIG(ABRT|IOT)$/);
      assert.equal(readFileSync(join(dir, 'usec'), 'utf8'), '.\n.\n', 'no WATCHDOG_USEC without a watchdog file');
    });

    test('a ./run that ignores SIGABRT gets SIGKILL WATCHDOG_KILL_MS later', {
      skip: mode === 'one-process',
    }, async () => {
      const dir = await host("trap '' ABRT\nexec $S 'READY=1' 'WATCHDOG=trigger' -- sleep 1000", { notify: '' });
      await waitFor('the restart', () => Number(status(dir)['starts']) >= 2);
      assert.equal((status(dir)['lastExit'] as { signal: string }).signal, 'SIGKILL');
    });

    test('a service directory too deep for sun_path: an abstract socket name', async () => {
      const deep = join(root, 'd'.repeat(60), 'e'.repeat(60));
      const dir = await host(
        'echo "$NOTIFY_SOCKET" > socket-path\nexec $S \'READY=1\' -- sleep 1000',
        { notify: '' },
        deep,
      );
      assert.equal(ours('svwait', ['-U', '-T', '60000', dir]).status, 0);
      assert.match(readFileSync(join(dir, 'socket-path'), 'utf8'), /^@fortress\/supervise\/\d+\/\d+\/[0-9a-f]+\n$/);
      assert.equal(existsSync(join(dir, 'supervise/notify')), false);
    });
  });
}
