// Node ignores SIGPIPE and SIGXFSZ; the exec'd program must get the default actions back,
// as it does under the C originals started from a shell.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { debian, ours, run } from './helpers.js';

const SIGPIPE = 13;
const SIGXFSZ = 25;
const REPORT = ['sh', '-c', 'sed -n "s/^SigIgn:[[:space:]]*//p" /proc/$$/status'];

function ignored(hex: string): number[] {
  const mask = BigInt(`0x${hex.trim()}`);
  return [SIGPIPE, SIGXFSZ].filter((s) => (mask >> BigInt(s - 1)) & 1n);
}

for (const [name, args] of [
  ['setuidgid', ['nobody']],
  ['softlimit', ['-o', '100']],
  ['pgrphack', []],
] as const) {
  test(`${name}: SIGPIPE and SIGXFSZ are not ignored in the exec'd program, as with Debian's`, async () => {
    const [mine, theirs] = await Promise.all([
      run(ours(name, ...args, ...REPORT)),
      run(debian(name, ...args, ...REPORT)),
    ]);
    assert.equal(mine.stderr, '');
    assert.deepEqual(ignored(theirs.stdout), []);
    assert.deepEqual(ignored(mine.stdout), []);
  });
}

test('a bare Node exec passes SIGPIPE and SIGXFSZ on ignored (the check can fail)', async () => {
  const out = await run([process.execPath, '-e', `process.execve('/bin/sh', ${JSON.stringify(REPORT)}, process.env)`]);
  assert.deepEqual(ignored(out.stdout), [SIGPIPE, SIGXFSZ]);
});

test("softlimit -f: writing past the limit kills the program with SIGXFSZ, as with Debian's", async () => {
  const dir = tempDir('sigxfsz');
  const write = (file: string) => ['dd', 'if=/dev/zero', `of=${join(dir, file)}`, 'bs=4096', 'count=4'];
  const [mine, theirs] = await Promise.all([
    run(ours('softlimit', '-f', '1000', ...write('ours'))),
    run(debian('softlimit', '-f', '1000', ...write('theirs'))),
  ]);
  assert.equal(theirs.signal, 'SIGXFSZ');
  assert.equal(mine.signal, 'SIGXFSZ');
});
