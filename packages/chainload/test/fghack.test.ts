// fghack (issue 17.1) beside Debian's daemontools 0.76 fghack: the same output, exit code and
// descriptors for the child, and a wait that lasts until every process holding the pipe is gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pipeSlots } from '@fortress/chainload/fghack';
import { killQuietly } from '@fortress/test-support/processes';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { collect, debian, type Outcome, ours, run, testEnv } from './helpers.js';

const dir = tempDir('fghack');
const pids: number[] = [];
after(() => {
  for (const pid of pids) killQuietly(pid);
});

const noShebang = join(dir, 'no-shebang');
writeFileSync(noShebang, 'echo "ran as $0 with $1"\n'); // exec format error: no /bin/sh fallback
chmodSync(noShebang, 0o755);
const deniedDir = join(dir, 'denied');
mkdirSync(deniedDir);
writeFileSync(join(deniedDir, 'true'), '#!/bin/sh\n');
const noExecPath = `${deniedDir}:/usr/bin:/bin`;

function same(a: Outcome, b: Outcome, what: string): void {
  assert.deepEqual(
    { code: a.code, signal: a.signal, stdout: a.stdout, stderr: a.stderr },
    { code: b.code, signal: b.signal, stdout: b.stdout, stderr: b.stderr },
    what,
  );
}

const cases: [args: string[], env?: NodeJS.ProcessEnv][] = [
  [[]],
  [['fortress-no-such-program']],
  [['/nonexistent/program']],
  [['/etc/passwd']],
  [[dir]],
  [[noShebang, 'arg']],
  [['true'], testEnv({ PATH: noExecPath })],
  [['sh', '-c', 'exit 7']],
  [['sh', '-c', 'echo out; echo err >&2; exit 0']],
  [['sh', '-c', 'kill -9 $$']],
  [['sh', '-c', 'kill -TERM $$']],
  [['sh', '-c', 'echo into the pipe >&3; echo done']],
];

for (const [args, env] of cases) {
  test(`fghack ${args.join(' ')}: same output and exit code as Debian's`, async () => {
    const [mine, theirs] = await Promise.all([
      run(ours('fghack', ...args), { env }),
      run(debian('fghack', ...args), { env }),
    ]);
    same(mine, theirs, args.join(' '));
    assert.doesNotMatch(mine.stderr, /node:|\n\s+at /);
  });
}

test("fghack: the child gets the caller's descriptors and the pipe on the 31 lowest free numbers, as Debian", async () => {
  // The caller leaves fd 5 and 40 open (a file), so the copies go on 3, 4, 6 ... 34.
  // Only 0 to 34 and 40: the shell's own short-lived descriptors (its pipeline to sort, the
  // directory it reads) land on 35 and up, present or not depending on timing.
  const listing =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
    'for fd in /proc/$$/fd/*; do n=${fd##*/}; { [ "$n" -lt 35 ] || [ "$n" -eq 40 ]; } && echo "$n $(readlink $fd)"; done | sort -n';
  const runWith = (argv: string[]) => {
    const extra = join(dir, 'extra');
    writeFileSync(extra, '');
    const stdio: ('pipe' | 'ignore' | number)[] = ['pipe', 'pipe', 'pipe'];
    const { openSync } = process.getBuiltinModule('node:fs');
    const fd = openSync(extra, 'r');
    for (let i = 3; i <= 40; i += 1) stdio.push(i === 5 || i === 40 ? fd : 'ignore');
    // Raw spawn: descriptors 5 and 40 open, every other one up to 40 closed, exactly.
    const child = spawn(argv[0]!, argv.slice(1), { env: testEnv(), stdio });
    return collect(child);
  };
  const [mine, theirs] = await Promise.all([
    runWith(ours('fghack', 'sh', '-c', listing)),
    runWith(debian('fghack', 'sh', '-c', listing)),
  ]);
  // Pipe inode numbers differ between the two runs: compare the kind of each descriptor.
  const shape = (o: Outcome) => o.stdout.replace(/(pipe|socket):\[\d+\]/g, '$1');
  assert.equal(shape(mine), shape(theirs));
  const pipes = mine.stdout
    .split('\n')
    .filter((l) => l.includes('pipe:['))
    .map((l) => Number(l.split(' ')[0]));
  assert.deepEqual(
    pipes,
    pipeSlots([5, 40]).filter((fd) => fd > 2),
  );
  assert.deepEqual([mine.code, mine.stderr], [0, '']);
});

for (const [who, argv] of [
  ['ours', ours('fghack')],
  ['debian', debian('fghack')],
] as const) {
  test(`fghack (${who}) waits for a background child that kept the pipe, not for one that closed it`, async () => {
    const marker = join(dir, `${who}-done`);
    const pidFile = join(dir, `${who}-closer.pid`);
    // The daemon's child keeps the descriptors and writes the marker before it exits.
    const kept = await run([...argv, 'sh', '-c', `(sleep 1; echo finished > ${marker}) & exit 3`]);
    assert.deepEqual([kept.code, kept.stderr], [3, '']);
    assert.equal(readFileSync(marker, 'utf8'), 'finished\n', 'fghack returned only after the background child');
    // A background child that closes every inherited descriptor does not hold fghack.
    const closer = 'for fd in $(seq 3 40); do eval "exec $fd>&-"; done; exec sleep 600';
    const closed = await run([
      ...argv,
      'sh',
      '-c',
      `sh -c '${closer}' </dev/null >/dev/null 2>&1 & echo $! > ${pidFile}; exit 4`,
    ]);
    assert.deepEqual([closed.code, closed.stderr], [4, '']);
    const pid = Number(await waitFor('the pid file', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8')));
    pids.push(pid);
    assert.doesNotThrow(() => process.kill(pid, 0), 'the sleeper still runs after fghack returned');
    process.kill(pid, 'SIGKILL');
  });
}
