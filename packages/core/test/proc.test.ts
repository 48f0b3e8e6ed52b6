// core/proc.ts against this machine's /proc (real processes started by the test) and a fake /proc.
import assert from 'node:assert/strict';
import { closeSync, constants, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  bootId,
  bootTimeMs,
  cwdIdentity,
  descendantsOf,
  flockHolders,
  groupAlive,
  identityOf,
  listPids,
  liveStat,
  membersOf,
  parseStat,
  processGroupOf,
  processGroups,
  procIsOurs,
  programName,
  readAllStats,
  readCmdline,
  readCwd,
  readDescriptorFlags,
  readDescriptors,
  readMemoryUse,
  readSoftLimit,
  readStat,
  readStatus,
  realUid,
  sameProcess,
  sendSignal,
  sessionLeadersSince,
  startedAtMs,
} from '@fortress/core/proc';
import { waitFor } from '@fortress/core/wait-for';
import { spawnGroup } from '@fortress/test-support/processes';
import { tempDir } from '@fortress/test-support/temp-dir';

test('parseStat: fields by name, a command name with spaces and parentheses', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = 'S';
  const stat = parseStat(`4242 (a) b (c)) ${fields.join(' ')}\n`);
  assert.ok(stat);
  assert.equal(stat.pid, 4242);
  assert.equal(stat.comm, 'a) b (c)');
  assert.equal(stat.state, 'S');
  assert.deepEqual(
    [stat.ppid, stat.pgrp, stat.session, stat.utime, stat.stime, stat.numThreads, stat.starttime, stat.rss],
    [4, 5, 6, 14, 15, 20, 22, 24],
  );
  assert.equal(parseStat('12 (truncated) S 1 2'), undefined);
  assert.equal(parseStat('garbage'), undefined);
});

test('this process: stat, status, cmdline, memory use', () => {
  const stat = readStat(process.pid);
  assert.ok(stat);
  assert.deepEqual([stat.pid, stat.ppid, stat.pgrp], [process.pid, process.ppid, stat.pgrp]);
  assert.ok(stat.starttime > 0 && stat.rss > 0);
  const status = readStatus(process.pid);
  assert.equal(status?.get('Pid'), String(process.pid));
  assert.equal(realUid(status!), process.getuid?.());
  const argv = readCmdline(process.pid);
  assert.equal(argv?.[0], process.execPath);
  assert.match(argv?.at(-1) ?? '', /proc\.test\.js$/);
  const memory = readMemoryUse(process.pid);
  assert.ok(memory);
  assert.ok(memory.uss > 0 && memory.uss <= memory.pss && memory.pss <= memory.rss, JSON.stringify(memory));
  assert.ok(listPids().includes(process.pid));
  assert.equal(readStat(0x7fffffff), undefined);
  assert.equal(readCmdline(0x7fffffff), undefined);
  assert.equal(readMemoryUse(0x7fffffff), undefined);
});

test('descendants, process groups and pid reuse guard on a real tree', async () => {
  // sh (its own group) -> sleep, and sh -> sh -> sleep: three descendants, one group.
  const child = spawnGroup(['sh', '-c', 'sleep 1000 & sh -c "sleep 1001 & wait" & wait'], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  const found = await waitFor('three descendants', () => {
    const list = descendantsOf(pid);
    return list.length === 3 ? list : undefined;
  });
  assert.ok(found.every((p) => sameProcess(p)));
  assert.equal(sameProcess({ ...found[0]!, starttime: found[0]!.starttime + 1 }), false);
  assert.deepEqual(processGroups(readAllStats()).get(pid)?.sort(), [pid, ...found.map((p) => p.pid)].sort());
  // The group's members are the leader and the three descendants, each with its identity.
  const leader = identityOf(pid);
  assert.ok(leader && sameProcess(leader));
  const byPid = (a: { pid: number }, b: { pid: number }) => a.pid - b.pid;
  assert.deepEqual(membersOf(pid).sort(byPid), [leader, ...found].sort(byPid));
  assert.equal(processGroupOf(found[0]!.pid), pid);
  assert.ok(groupAlive(pid));
  // sh leads its own session and group (detached: setsid): a session leader started just now.
  const stat = liveStat(pid);
  assert.equal(stat?.session, pid);
  assert.ok(Math.abs(startedAtMs(stat!) - Date.now()) < 60_000);
  assert.deepEqual(
    sessionLeadersSince(startedAtMs(stat!) - 10).filter((p) => p.pid === pid),
    [leader],
  );
  assert.equal(sendSignal(-pid, 'SIGKILL'), true);
  await waitFor('the group gone', () => !groupAlive(pid) || membersOf(pid).length === 0);
  assert.equal(liveStat(pid), undefined);
  assert.equal(identityOf(pid), undefined);
  assert.equal(sendSignal(0x7fffffff, 0), false);
});

test('this process: descriptors, flags, limits, working directory, boot, locks', () => {
  const dir = tempDir('proc-self');
  const fd = openSync(join(dir, 'f'), constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND);
  try {
    assert.equal(readDescriptors('self')?.get(fd), join(dir, 'f'));
    assert.equal((readDescriptorFlags(fd)! & constants.O_APPEND) !== 0, true);
    assert.equal(readDescriptorFlags(0x7fff), undefined);
  } finally {
    closeSync(fd);
  }
  assert.equal(readCwd(process.pid), process.cwd());
  assert.deepEqual(cwdIdentity(process.pid), { dev: statSync('.').dev, ino: statSync('.').ino });
  assert.equal(cwdIdentity(0x7fffffff), undefined);
  assert.ok(procIsOurs());
  assert.match(bootId() ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(bootTimeMs() > 0 && bootTimeMs() < Date.now());
  const stack = readSoftLimit('Max stack size');
  assert.ok(stack === Number.POSITIVE_INFINITY || (stack !== undefined && stack > 0));
  assert.equal(readSoftLimit('No such limit'), undefined);
  // A name that is not UTF-8, byte for byte with latin1.
  assert.deepEqual(readCmdline('self', undefined, 'latin1')?.slice(0, 1), [process.execPath]);
});

test('flock holders from /proc/locks, waiters left out', () => {
  const root = tempDir('proc-locks');
  writeFileSync(
    join(root, 'locks'),
    '1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF\n' +
      '1: -> FLOCK  ADVISORY  WRITE 4343 08:01:1234 0 EOF\n' +
      '2: POSIX  ADVISORY  WRITE 4444 08:01:1234 0 EOF\n' +
      '3: FLOCK  ADVISORY  WRITE 4545 08:01:9999 0 EOF\n',
  );
  assert.deepEqual(flockHolders(1234, root), [4242]);
  assert.deepEqual(flockHolders(7, root), []);
  assert.equal(flockHolders(1234, join(root, 'none')), undefined);
});

test('a fake /proc root', () => {
  const root = tempDir('proc');
  mkdirSync(join(root, '77'));
  mkdirSync(join(root, 'self'));
  writeFileSync(join(root, '77/stat'), `77 (x) S 1 77 77 ${'0 '.repeat(40)}\n`);
  writeFileSync(join(root, '77/cmdline'), 'node\0--max-old-space-size=64\0/opt/bin/dnscache.js\0');
  writeFileSync(
    join(root, '77/smaps_rollup'),
    'Rss:  100 kB\nPss:   50 kB\nPrivate_Clean:  10 kB\nPrivate_Dirty:  20 kB\nSwap:  0 kB\n',
  );
  assert.deepEqual(listPids(root), [77]);
  assert.equal(readStat(77, root)?.pgrp, 77);
  assert.equal(programName(readCmdline(77, root)!, 'MainThread'), 'dnscache');
  assert.deepEqual(readMemoryUse(77, root), { rss: 102400, pss: 51200, uss: 30720, swap: 0 });
  writeFileSync(
    join(root, '77/limits'),
    'Limit                     Soft Limit           Hard Limit           Units\n' +
      'Max stack size            8388608              unlimited            bytes\n' +
      'Max core file size        unlimited            unlimited            bytes\n',
  );
  assert.equal(readSoftLimit('Max stack size', 77, root), 8388608);
  assert.equal(readSoftLimit('Max core file size', 77, root), Number.POSITIVE_INFINITY);
  mkdirSync(join(root, '77/fdinfo'));
  writeFileSync(join(root, '77/fdinfo/3'), 'pos:\t0\nflags:\t02004002\nmnt_id:\t20\n');
  assert.equal(readDescriptorFlags(3, 77, root), 0o2004002);
  writeFileSync(join(root, 'stat'), 'cpu 1 2 3\nbtime 1700000000\nprocesses 5\n');
  assert.equal(bootTimeMs(root), 1700000000000);
});

test('programName: the script of a Node program, else argv[0], else comm', () => {
  const cases: [string[], string][] = [
    [['/usr/bin/node', '/srv/fortress/packages/ucspi-tcp/bin/tcpserver.js', '-v', '127.0.0.1', '80'], 'tcpserver'],
    [['node', '/usr/local/bin/dnscache'], 'dnscache'],
    [['node', '--enable-source-maps', '-r', 'preload.js', 'dist/bundle/multilog.mjs', 't'], 'multilog'],
    [['/usr/bin/tcpserver', '0', '79', 'fingerd'], 'tcpserver'],
    [['sh', '-c', 'exec sleep 1'], 'sh'],
    [['node', '-e', '0'], 'node'],
    [['node'], 'node'],
    [[], 'MainThread'],
  ];
  for (const [argv, name] of cases) assert.equal(programName(argv, 'MainThread'), name, argv.join(' '));
});
