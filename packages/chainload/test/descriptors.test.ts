// Descriptors a chain loader inherits reach the exec'd program, as with the C originals, although
// Node marks them close-on-exec at start-up (tcpclient's 6 and 7, s6's notification fd, locks).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debian, ours, run } from './helpers.js';

// Opens 3..9 (and 20) in the shell, then runs the program; the exec'd shell lists what it has.
function withDescriptors(argv: string[]): string[] {
  const quoted = argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  return [
    '/bin/bash',
    '--norc',
    '-c',
    `exec 3</dev/null 4>/dev/null 5</etc/passwd 6</dev/null 7>/dev/null 9</dev/null 20</dev/null; ${quoted}`,
  ];
}

const LIST = ['sh', '-c', 'for fd in 3 4 5 6 7 8 9 20; do [ -e /proc/$$/fd/$fd ] && printf "%s " $fd; done; echo'];

const programs: [string, string[]][] = [
  ['setuidgid', ['nobody']],
  ['envuidgid', ['nobody']],
  ['softlimit', ['-o', '100']],
  ['pgrphack', []],
];

for (const [name, args] of programs) {
  test(`${name}: inherited descriptors reach the exec'd program, as with Debian's`, async () => {
    const [mine, theirs] = await Promise.all([
      run(withDescriptors(ours(name, ...args, ...LIST))),
      run(withDescriptors(debian(name, ...args, ...LIST))),
    ]);
    assert.equal(theirs.stdout, '3 4 5 6 7 9 20 \n');
    assert.deepEqual([mine.code, mine.stdout, mine.stderr], [theirs.code, theirs.stdout, theirs.stderr]);
  });
}

test('a chain of our loaders keeps them too', async () => {
  const out = await run(
    withDescriptors(
      ours('envuidgid', 'nobody', ...ours('softlimit', '-o', '100', ...ours('setuidgid', 'nobody', ...LIST))),
    ),
  );
  assert.deepEqual([out.code, out.stdout, out.stderr], [0, '3 4 5 6 7 9 20 \n', '']);
});

test('without the fix a bare Node exec loses them (the check can fail)', async () => {
  const script = `process.execve('/bin/sh', ${JSON.stringify(LIST)}, process.env)`;
  const out = await run(withDescriptors([process.execPath, '-e', script]));
  assert.equal(out.stdout, '20 \n');
});
