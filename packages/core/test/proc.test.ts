// core/proc.ts against this machine's /proc (real processes started by the test) and a fake /proc.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  descendantsOf,
  listPids,
  parseStat,
  processGroups,
  programName,
  readAllStats,
  readCmdline,
  readMemoryUse,
  readStat,
  readStatus,
  realUid,
  sameProcess,
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
