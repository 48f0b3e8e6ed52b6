// The exec'd program's stdin, stdout and stderr stay blocking: Node would make them
// non-blocking if a chain loader touched process.stdin/stdout/stderr.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { ours, run, testEnv } from './helpers.js';

const O_NONBLOCK = 0o4000;
// Prints the flags of the shell's own descriptors 0, 1 and 2 (command substitution runs in a subshell).
const REPORT_FLAGS = [
  'sh',
  '-c',
  'f=$(sed -n "s/^flags:[[:space:]]*//p" /proc/$$/fdinfo/0 /proc/$$/fdinfo/1 /proc/$$/fdinfo/2); echo $f >&2',
];

function nonBlocking(report: string): boolean[] {
  const flags = report.trim().split(/\s+/);
  assert.equal(flags.length, 3, report);
  return flags.map((f) => (Number.parseInt(f, 8) & O_NONBLOCK) !== 0);
}

/** Runs argv with pipes (real ones, from a shell) as stdin, stdout and stderr. */
function inPipes(argv: string[]): Promise<{ stderr: string; code: number | null }> {
  const quoted = argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  return run(['/bin/sh', '-c', `: | ${quoted} 2>&1 | cat >&2`], { env: testEnv() });
}

const emptyDir = tempDir('stdio');

const programs: [string, string[]][] = [
  ['setuidgid', ours('setuidgid', 'nobody', ...REPORT_FLAGS)],
  ['envuidgid', ours('envuidgid', 'nobody', ...REPORT_FLAGS)],
  ['envdir', ours('envdir', emptyDir, ...REPORT_FLAGS)],
  ['softlimit', ours('softlimit', '-o', '200', ...REPORT_FLAGS)],
  ['setlock', ours('setlock', '/dev/null', ...REPORT_FLAGS)],
  ['pgrphack', ours('pgrphack', ...REPORT_FLAGS)],
];

for (const [name, argv] of programs) {
  test(`${name}: stdio of the exec'd program is blocking (pipes and socketpairs)`, async () => {
    const piped = await inPipes(argv);
    assert.equal(piped.code, 0, piped.stderr);
    assert.deepEqual(nonBlocking(piped.stderr), [false, false, false]);
    const paired = await run(argv);
    assert.equal(paired.code, 0, paired.stderr);
    assert.deepEqual(nonBlocking(paired.stderr), [false, false, false]);
  });
}

test('the check sees non-blocking stdio when a Node program touches process.stdout before exec', async () => {
  const script = `process.stdout; process.stdin; process.execve('/bin/sh', ${JSON.stringify(REPORT_FLAGS)}, process.env)`;
  const piped = await inPipes([process.execPath, '-e', script]);
  assert.deepEqual(nonBlocking(piped.stderr).slice(0, 2), [true, true]);
});

test('stdio-flags puts back the flags of streams Node created (pipes made non-blocking) before exec', async () => {
  const module = new URL('../dist/stdio-flags.js', import.meta.url).href;
  const script = [
    `const { restoreStdioFlags } = await import(${JSON.stringify(module)});`,
    'process.stdout; process.stdin;',
    'await restoreStdioFlags();',
    `process.execve('/bin/sh', ${JSON.stringify(REPORT_FLAGS)}, process.env);`,
  ].join('\n');
  const piped = await inPipes([process.execPath, '--input-type=module', '-e', script]);
  assert.deepEqual(nonBlocking(piped.stderr), [false, false, false], piped.stderr);
});

test("a failing setlock -n (libc loaded, no exec) leaves the caller's stderr pipe blocking", async () => {
  const dir = tempDir('stdio-lock');
  const lock = join(dir, 'lock');
  const holder = ours('setlock', lock, 'sh', '-c', 'echo locked; exec sleep 100');
  const quoted = (argv: string[]) => argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  // The shell holds the lock in the background, tries again with -n (fails, 111) and then
  // reports the flags of its own stderr, a pipe shared with the failed setlock.
  const script = [
    `${quoted(holder)} > ${dir}/out &`,
    `i=0; while ! grep -q locked ${dir}/out 2>/dev/null && [ $i -lt 1200 ]; do i=$((i+1)); sleep 0.05; done`,
    `${quoted(ours('setlock', '-n', lock, 'true'))}; echo "rc=$?" >&3`,
    'kill $!',
    'sed -n "s/^flags:[[:space:]]*//p" /proc/$$/fdinfo/2 >&3',
  ].join('\n');
  const out = await run(['/bin/sh', '-c', `{ ${script}\n} 3>&1 2>&1 | cat`]);
  const [rc, flags] = out.stdout.split('\n').filter((l) => !l.startsWith('setlock:'));
  assert.equal(rc, 'rc=111');
  assert.equal((Number.parseInt(flags!, 8) & O_NONBLOCK) !== 0, false, out.stdout);
});
