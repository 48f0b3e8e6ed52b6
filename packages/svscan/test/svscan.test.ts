// svscan end to end with real supervise processes, FIFOs and signals, in both modes.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  childrenOf,
  cleanUp,
  isAlive,
  livePids,
  logSupervisorsOf,
  makeService,
  processesUnder,
  readLines,
  SUPERVISE,
  type Svscan,
  script,
  startSvscan,
  supervisorsOf,
  tempRoot,
  waitFor,
} from './helpers.js';

const MODES = [
  // fortress's supervise, from pre-started spares (the default)
  { mode: 'per-process', args: [] as string[], perProcess: true },
  // a named supervise program: fortress's through its bin shim, or Debian's
  { mode: `per-process, -s ${SUPERVISE}`, args: ['-s', SUPERVISE], perProcess: true },
  {
    mode: 'per-process, -s /usr/bin/supervise',
    args: ['-s', '/usr/bin/supervise'],
    perProcess: true,
  },
  { mode: 'one-process', args: ['-1'], perProcess: false },
];

/** A ./run that logs `tick` lines and says `bye` on TERM. */
const TICKER = `trap 'echo bye; exit 0' TERM\nwhile :; do echo tick; sleep 0.1; done`;
/** The same, first writing through /dev/stdout, which fails on a socket: the log pipe is a real pipe. */
const DEV_STDOUT_TICKER = `echo hello > /dev/stdout\n${TICKER}`;

async function started(s: Svscan): Promise<void> {
  await waitFor('svscan to start', () => s.stderr().includes('info: scanning'));
}

/** Adds a throwaway service and waits for it: a scan that saw it also saw everything before it. */
async function afterAScan(scan: string, root: string, name: string): Promise<void> {
  const dir = makeService(join(root, `marker-${name}`));
  symlinkSync(dir, join(scan, name));
  await waitFor(`marker ${name} to run`, () => livePids(join(dir, 'pids')).length === 1);
}

for (const { mode, args, perProcess } of MODES) {
  describe(`svscan (${mode})`, () => {
    const roots: string[] = [];
    const svscans: Svscan[] = [];
    const fresh = (label: string): { root: string; scan: string } => {
      const root = tempRoot(label);
      roots.push(root);
      const scan = join(root, 'scan');
      mkdirSync(scan);
      return { root, scan };
    };
    const run = (scan: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Svscan => {
      const s = startSvscan(scan, [...args, ...extra], env);
      svscans.push(s);
      return s;
    };
    after(async () => {
      for (const root of roots) await cleanUp(root, svscans);
    });

    test('picks up a new symlinked service; skips dot-names, files and dangling symlinks', async () => {
      const { root, scan } = fresh('pickup');
      const hidden = makeService(join(scan, '.hidden'));
      writeFileSync(join(scan, 'file'), 'not a service\n');
      symlinkSync(join(root, 'nowhere'), join(scan, 'dangling'));
      // Only the watcher can find it: the periodic scan is an hour away.
      const s = run(scan, ['-t', '3600000']);
      await started(s);
      const svc = makeService(join(root, 'new'));
      symlinkSync(svc, join(scan, 'new'));
      const [pid] = await waitFor('new service to run', () => {
        const pids = livePids(join(svc, 'pids'));
        return pids.length === 1 ? pids : undefined;
      });
      assert.ok(pid! > 0);
      s.child.kill('SIGHUP');
      await waitFor('a warning per scan for the dangling symlink', () => {
        const n = s.stderr().split('svscan: warning: unable to stat dangling: file does not exist\n').length - 1;
        return n >= 2;
      });
      await afterAScan(scan, root, 'm1');
      assert.deepEqual(readLines(join(hidden, 'pids')), []);
      assert.deepEqual(supervisorsOf(scan, hidden, ['.hidden']), []);
      if (perProcess) assert.equal(supervisorsOf(scan, svc, ['new']).length, 1);
    });

    test('a log/ that cannot be stat-ed gives a warning and the service is skipped, as 0.76 does', async () => {
      const { root, scan } = fresh('badlog');
      const svc = makeService(join(root, 'loopy'));
      symlinkSync('log', join(svc, 'log')); // a symlink to itself: ELOOP
      symlinkSync(svc, join(scan, 'loopy'));
      const s = run(scan);
      await waitFor('the warning', () =>
        s.stderr().includes('svscan: warning: unable to stat loopy/log: symbolic link loop\n'),
      );
      await afterAScan(scan, root, 'm1');
      assert.deepEqual(readLines(join(svc, 'pids')), []);
    });

    test("Debian's svok, svstat and svc work on its services", async () => {
      const { root, scan } = fresh('tools');
      const svc = makeService(join(root, 'svc'));
      symlinkSync(svc, join(scan, 'svc'));
      const s = run(scan);
      await started(s);
      const [pid] = await waitFor('the service to run', () => {
        const pids = livePids(join(svc, 'pids'));
        return pids.length === 1 ? pids : undefined;
      });
      assert.equal(spawnSync('/usr/bin/svok', [svc]).status, 0);
      const up = execFileSync('/usr/bin/svstat', [svc], { encoding: 'utf8' });
      assert.match(up, new RegExp(`^${svc}: up \\(pid ${pid}\\) \\d+ seconds\n$`));
      execFileSync('/usr/bin/svc', ['-d', svc]);
      await waitFor('the service to go down', () => !isAlive(pid!));
      await waitFor('svstat to say down', () =>
        /^.*: down \d+ seconds, normally up\n$/.test(execFileSync('/usr/bin/svstat', [svc], { encoding: 'utf8' })),
      );
      execFileSync('/usr/bin/svc', ['-u', svc]);
      await waitFor('a second ./run', () => livePids(join(svc, 'pids')).length === 1);
      assert.equal(readLines(join(svc, 'pids')).length, 2);
    });

    test('two symlinks to one directory start one supervise; a rename keeps it', async () => {
      const { root, scan } = fresh('twolinks');
      const real = makeService(join(root, 'real'));
      symlinkSync(real, join(scan, 'a1'));
      const s = run(scan);
      await started(s);
      const [first] = await waitFor('the service to run', () => {
        const pids = livePids(join(real, 'pids'));
        return pids.length === 1 ? pids : undefined;
      });
      symlinkSync(real, join(scan, 'a2'));
      await afterAScan(scan, root, 'm1');
      renameSync(join(scan, 'a1'), join(scan, 'b1'));
      await afterAScan(scan, root, 'm2');
      if (perProcess) assert.equal(supervisorsOf(scan, real, ['a1', 'a2', 'b1']).length, 1);
      assert.deepEqual(readLines(join(real, 'pids')).map(Number), [first]);
      assert.ok(isAlive(first!));
      // Its supervisor still finds the directory after the rename: ./run is started again.
      process.kill(first!, 'SIGKILL');
      await waitFor('./run started again after the rename', () => {
        const pids = readLines(join(real, 'pids')).map(Number);
        return pids.length === 2 && isAlive(pids[1]!);
      });
    });

    test('removal stops the service, then its logger, which drains the pipe', async () => {
      const { root, scan } = fresh('removal');
      const svc = makeService(join(root, 'svc'), TICKER);
      mkdirSync(join(svc, 'log'));
      script(join(svc, 'log', 'run'), 'echo $$ >> ../logpids\nexec cat >> ../out');
      symlinkSync(svc, join(scan, 'svc'));
      const s = run(scan);
      await started(s);
      await waitFor('ticks in the log', () => readLines(join(svc, 'out')).length >= 3);
      unlinkSync(join(scan, 'svc'));
      await waitFor('service and logger to stop', () => processesUnder(svc).length === 0);
      const lines = readLines(join(svc, 'out'));
      assert.equal(lines.at(-1), 'bye');
      assert.ok(lines.slice(0, -1).every((l) => l === 'tick'));
      assert.deepEqual(livePids(join(svc, 'pids')), []);
      assert.deepEqual(livePids(join(svc, 'logpids')), []);
      await waitFor('svscan to report it', () => s.stderr().includes('svscan: info: svc stopped'));
    });

    test('-k leaves a removed service running, as 0.76 does', async () => {
      const { root, scan } = fresh('keep');
      const svc = makeService(join(root, 'svc'));
      symlinkSync(svc, join(scan, 'svc'));
      const s = run(scan, ['-k']);
      await started(s);
      const [pid] = await waitFor('the service to run', () => {
        const pids = livePids(join(svc, 'pids'));
        return pids.length === 1 ? pids : undefined;
      });
      unlinkSync(join(scan, 'svc'));
      await afterAScan(scan, root, 'm1');
      s.child.kill('SIGHUP');
      await afterAScan(scan, root, 'm2');
      assert.ok(isAlive(pid!));
      if (perProcess) assert.equal(supervisorsOf(scan, svc, ['svc']).length, 1);
    });

    test('a log/ added to a known service is picked up', async () => {
      const { root, scan } = fresh('latelog');
      const svc = makeService(join(root, 'svc'), TICKER);
      symlinkSync(svc, join(scan, 'svc'));
      const s = run(scan, ['-t', '500']);
      await started(s);
      await waitFor('the service to run', () => livePids(join(svc, 'pids')).length === 1);
      mkdirSync(join(svc, 'log'));
      script(join(svc, 'log', 'run'), 'exec cat >> ../out');
      await waitFor('the logger to start', () => s.stderr().includes('started supervise svc/log'));
      // The running ./run still writes to svscan's stdout; from its next start on, to the logger.
      execFileSync('/usr/bin/svc', ['-t', svc]);
      await waitFor('ticks in the new log', () => readLines(join(svc, 'out')).includes('tick'));
    });

    // One-process mode has no supervise process to kill.
    if (perProcess)
      test('a supervise that dies is started again at once', async () => {
        const { root, scan } = fresh('respawn');
        const svc = makeService(join(root, 'svc'));
        symlinkSync(svc, join(scan, 'svc'));
        const s = run(scan, ['-t', '3600000']);
        await started(s);
        const [first] = await waitFor('supervise to run', () => {
          const found = supervisorsOf(scan, svc, ['svc']);
          return found.length === 1 ? found : undefined;
        });
        await waitFor('the service to run', () => livePids(join(svc, 'pids')).length >= 1);
        process.kill(first!.pid, 'SIGKILL');
        const [second] = await waitFor('a new supervise', () => {
          const found = supervisorsOf(scan, svc, ['svc']);
          return found.length === 1 && found[0]!.pid !== first!.pid ? found : undefined;
        });
        assert.notEqual(second!.pid, first!.pid);
      });

    test('svscan killed with SIGKILL and started again: no service runs twice, the log pipe survives', async () => {
      const { root, scan } = fresh('adopt');
      const svc = makeService(join(root, 'svc'), 'i=0\nwhile :; do echo $i; i=$((i+1)); sleep 0.02; done');
      mkdirSync(join(svc, 'log'));
      script(join(svc, 'log', 'run'), 'exec cat >> ../out');
      symlinkSync(svc, join(scan, 'svc'));
      const one = run(scan);
      await started(one);
      await waitFor('lines in the log', () => readLines(join(svc, 'out')).length >= 5);
      const sparesOf = () => childrenOf(one.child.pid!).filter((p) => p.argv.some((a) => a.endsWith('/spare.js')));
      // A spare replacing the one just taken may still be between fork and exec: wait for it.
      const spares =
        mode === 'per-process'
          ? await waitFor('an idle spare', () => {
              const found = sparesOf();
              return found.length === 1 ? found : undefined;
            })
          : [];
      one.child.kill('SIGKILL');
      await one.exited;
      // The idle spare notices that svscan is gone and exits.
      await waitFor('the idle spare to exit', () => spares.every((p) => !isAlive(p.pid)));
      const two = run(scan);
      await started(two);
      if (perProcess) {
        await waitFor('adoption of both supervisors', () => {
          const e = two.stderr();
          return e.includes('info: svc already supervised') && e.includes('info: svc/log already supervised');
        });
      }
      await afterAScan(scan, root, 'm1');
      if (perProcess) {
        assert.equal(supervisorsOf(scan, svc, ['svc']).length, 1);
        assert.equal(logSupervisorsOf(svc).length, 1);
      }
      assert.equal(livePids(join(svc, 'pids')).length, 1);
      const seen = readLines(join(svc, 'out')).length;
      await waitFor('more lines after the restart', () => readLines(join(svc, 'out')).length > seen + 5);
      two.child.kill('SIGTERM');
      assert.deepEqual(await two.exited, { code: 0, signal: null });
      const lines = readLines(join(svc, 'out'));
      assert.deepEqual(
        lines,
        lines.map((_, i) => String(i)),
      );
      assert.deepEqual(processesUnder(svc), []);
    });

    test('SIGTERM brings every service down, loggers after their services, then exits 0', async () => {
      const { root, scan } = fresh('term');
      const names = ['a', 'b', 'c'];
      for (const name of names) {
        const svc = makeService(join(root, name), DEV_STDOUT_TICKER);
        mkdirSync(join(svc, 'log'));
        script(join(svc, 'log', 'run'), 'exec cat >> ../out');
        symlinkSync(svc, join(scan, name));
      }
      const s = run(scan);
      await started(s);
      for (const name of names) {
        await waitFor(`ticks from ${name}`, () => readLines(join(root, name, 'out')).includes('tick'));
      }
      s.child.kill('SIGTERM');
      assert.deepEqual(await s.exited, { code: 0, signal: null });
      for (const name of names) {
        const lines = readLines(join(root, name, 'out'));
        assert.equal(lines[0], 'hello', name);
        assert.equal(lines.at(-1), 'bye', name);
      }
      assert.deepEqual(processesUnder(root), []);
    });

    test('no line is lost while the logger and the service restart', async () => {
      const { root, scan } = fresh('noloss');
      const svc = join(root, 'svc');
      // Each run writes 3000 numbered lines as fast as it can, then exits; supervise restarts it.
      makeService(
        svc,
        'r=$(cat runs 2>/dev/null || echo 0); r=$((r+1)); echo $r > runs\n' +
          'i=0; while [ $i -lt 3000 ]; do echo "$r $i"; i=$((i+1)); done',
      );
      mkdirSync(join(svc, 'log'));
      // A logger that never drops what it has read: TERM only sets a flag checked between reads.
      writeFileSync(
        join(svc, 'log', 'logger.pl'),
        [
          'use strict; my $stop = 0; $SIG{TERM} = sub { $stop = 1 };',
          'open(my $out, ">>", "../out") or die; my $rin = ""; vec($rin, 0, 1) = 1;',
          'while (!$stop) {',
          '  my $r = select(my $ready = $rin, undef, undef, 0.05); next if $r <= 0;',
          '  my $n = sysread(STDIN, my $buf, 4096); last if !defined $n || $n == 0;',
          '  my $off = 0; while ($off < $n) { $off += syswrite($out, $buf, $n - $off, $off); }',
          '}',
        ].join('\n'),
      );
      script(join(svc, 'log', 'run'), 'echo $$ >> ../logpids\nexec /usr/bin/perl ./logger.pl');
      symlinkSync(svc, join(scan, 'svc'));
      const s = run(scan);
      await started(s);
      const logDir = join(svc, 'log');
      for (let kill = 1; kill <= 4; kill++) {
        await waitFor(
          `logger ${kill}`,
          () => livePids(join(svc, 'logpids')).length === 1 && readLines(join(svc, 'logpids')).length === kill,
        );
        await waitFor('more lines', () => readLines(join(svc, 'out')).length > kill * 1500);
        execFileSync('/usr/bin/svc', ['-t', logDir]);
      }
      await waitFor('five runs of the service', () => Number(readLines(join(svc, 'runs'))[0] ?? 0) >= 5);
      await waitFor('the fifth run logged in full', () => readLines(join(svc, 'out')).includes('5 2999'));
      s.child.kill('SIGTERM');
      assert.deepEqual(await s.exited, { code: 0, signal: null });
      const lines = readLines(join(svc, 'out'));
      const runs = Number(readLines(join(svc, 'runs'))[0]);
      const expected: string[] = [];
      for (let r = 1; r <= runs; r++) for (let i = 0; i < 3000; i++) expected.push(`${r} ${i}`);
      // The last run may have been stopped part-way: its lines must be a prefix.
      assert.deepEqual(lines, expected.slice(0, lines.length));
      assert.ok(lines.length >= 5 * 3000);
    });

    test('50 services start and stop together', async () => {
      const { root, scan } = fresh('fifty');
      const dirs: string[] = [];
      for (let i = 0; i < 50; i++) {
        const dir = makeService(join(root, `s${i}`));
        symlinkSync(dir, join(scan, `s${i}`));
        dirs.push(dir);
      }
      const s = run(scan);
      await started(s);
      await waitFor('50 services up', () => dirs.every((d) => livePids(join(d, 'pids')).length === 1), 90_000);
      s.child.kill('SIGTERM');
      assert.deepEqual(await s.exited, { code: 0, signal: null });
      assert.deepEqual(processesUnder(root), []);
      for (const d of dirs) assert.equal(readLines(join(d, 'pids')).length, 1);
    });

    // Issue 18, "Stopping must never hang".
    test('SIGTERM: a ./run that ignores TERM is killed after the grace time; background children go too', async () => {
      const { root, scan } = fresh('stubborn');
      const stubborn = makeService(
        join(root, 'stubborn'),
        `sh -c 'trap "" TERM; exec sleep 1000' & echo $! > kid
trap 'echo term >> terms' TERM
echo ready > ready
while :; do sleep 0.1; done`,
      );
      // The server stops on TERM; its background child would outlive it under 0.76.
      const server = makeService(join(root, 'server'), 'sleep 1000 & echo $! > kid\nexec sleep 1001');
      // Its own deadline far off: on a loaded machine its stop may take longer than the 500 ms
      // grace, and only the stubborn one is to be killed.
      writeFileSync(join(server, 'timeout-kill'), '60000');
      symlinkSync(stubborn, join(scan, 'stubborn'));
      symlinkSync(server, join(scan, 'server'));
      const s = run(scan, [], { FORTRESS_KILL_GRACETIME: '500' });
      await started(s);
      await waitFor('the trap', () => readLines(join(stubborn, 'ready')).length === 1);
      await waitFor(
        'both children',
        () => readLines(join(stubborn, 'kid')).length + readLines(join(server, 'kid')).length === 2,
      );
      const [pid] = livePids(join(stubborn, 'pids'));
      s.child.kill('SIGTERM');
      const exit = await Promise.race([
        s.exited,
        new Promise((r) => setTimeout(() => r(`svscan still running 30 s after SIGTERM: ${s.stderr()}`), 30_000)),
      ]);
      assert.deepEqual(exit, { code: 0, signal: null });
      const debian = args.includes('/usr/bin/supervise');
      // (Debian's supervise may not have read its `d` before svscan's deadline: see below.)
      if (!debian) assert.ok(readLines(join(stubborn, 'terms')).length >= 1, 'SIGTERM first');
      const expected = debian
        ? `svscan: warning: stubborn did not stop within 500 ms: sent SIGKILL to pid ${pid}\n`
        : perProcess
          ? `supervise: warning: stubborn did not stop within 500 ms: sent SIGKILL to process group ${pid}\n`
          : `svscan: warning: ${scan}/stubborn did not stop within 500 ms: sent SIGKILL to process group ${pid}\n`;
      assert.ok(s.stderr().includes(expected), s.stderr());
      // (Debian's supervise sleeps a second after each start before it reads `d`: the server
      // may be late too, and svscan kills it.)
      if (!debian) assert.equal(s.stderr().split('did not stop').length, 2, 'only the stubborn service was killed');
      assert.deepEqual(livePids(join(stubborn, 'pids')), []);
      // Debian's supervise runs ./run in its own process group: svscan can only reach the pid.
      if (!debian) assert.deepEqual(processesUnder(root), []);
      else assert.equal(isAlive(pid!), false);
    });

    if (!args.includes('/usr/bin/supervise'))
      test('issue 20.2: an adopted ./run whose pid is gone shows down; svc -d and SIGTERM end', async () => {
        const { root, scan } = fresh('orphan');
        const svc = makeService(join(root, 'c'), 'sleep 977003 & echo $! > kid\nexec sleep 977004');
        symlinkSync(svc, join(scan, 'c'));
        const first = run(scan);
        await started(first);
        const [pid] = await waitFor('the service to run', () => {
          const pids = livePids(join(svc, 'pids'));
          return pids.length === 1 && readLines(join(svc, 'kid')).length === 1 ? pids : undefined;
        });
        const supervisor = () => JSON.parse(readFileSync(join(svc, 'supervise/status.json'), 'utf8')).supervisor;
        const before = supervisor();
        let s = first;
        if (perProcess) {
          // The service's supervise dies; svscan starts another, which adopts ./run.
          process.kill(before, 'SIGKILL');
        } else {
          first.child.kill('SIGKILL');
          await first.exited;
          s = run(scan);
          await started(s);
        }
        await waitFor('a new supervisor', () => supervisor() !== before && isAlive(supervisor()));
        const svstat = () => execFileSync('/usr/bin/svstat', [svc], { encoding: 'utf8' });
        assert.match(
          svstat(),
          new RegExp(`: up \\(pid ${pid}\\) \\d+ seconds\n$`),
          `${s.stderr()}${readFileSync(join(svc, 'supervise/status.json'), 'utf8')}`,
        );
        execFileSync('/usr/bin/svc', ['-d', svc]);
        await waitFor('svstat to say down', () => /: down \d+ seconds, normally up\n$/.test(svstat()), 10_000);
        assert.equal(isAlive(pid!), false);
        s.child.kill('SIGTERM');
        const exit = await Promise.race([
          s.exited,
          new Promise((r) => setTimeout(() => r(`svscan still running 30 s after SIGTERM: ${s.stderr()}`), 30_000)),
        ]);
        assert.deepEqual(exit, { code: 0, signal: null });
        assert.deepEqual(processesUnder(root), []);
        assert.equal(readLines(join(svc, 'pids')).length, 1, 'never two copies');
      });

    test('-j writes its events as JSON lines', async () => {
      const { root, scan } = fresh('json');
      const svc = makeService(join(root, 'svc'));
      symlinkSync(svc, join(scan, 'svc'));
      const s = run(scan, ['-j']);
      await waitFor('an added event', () => s.stderr().includes('"event":"added"'));
      s.child.kill('SIGTERM');
      assert.deepEqual(await s.exited, { code: 0, signal: null });
      const events = s
        .stderr()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { event: string; name?: string; msg: string });
      assert.ok(events.some((e) => e.event === 'added' && e.name === 'svc' && e.msg === 'added svc'));
      assert.ok(events.some((e) => e.event === 'stopped' && e.name === 'svc'));
      rmSync(svc, { recursive: true, force: true });
    });
  });
}
