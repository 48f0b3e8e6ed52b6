// Argument handling of the getopt programs (setlock: letters; softlimit: letters with values),
// case by case side by side with Debian's originals: core's djb getopt must give what sgetopt
// gives — clustering, -x value and -xvalue, --, --word, a lone -, operands, unknown letters,
// missing values.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { debian, ours, removeDir, run, tempDir } from './helpers.js';

const skip = !existsSync('/usr/bin/setlock') || !existsSync('/usr/bin/softlimit');
let dir: string;

before(() => {
  dir = tempDir('getopt');
});
after(() => removeDir(dir));

async function compare(name: string, args: string[]): Promise<void> {
  const mine = await run(ours(name, ...args), { cwd: dir });
  const theirs = await run(debian(name, ...args), { cwd: dir });
  const outcome = (o: typeof mine) => [o.code, o.signal, o.stdout, o.stderr];
  assert.deepEqual(outcome(mine), outcome(theirs), `${name} ${args.join(' ')}`);
}

test('setlock: clustered and separate letters, --, --word, -, unknown letters, operands', { skip }, async () => {
  const lock = join(dir, 'lock');
  const cases = [
    ['-n', lock, 'echo', 'a'],
    ['-nx', lock, 'echo', 'b'],
    ['-nNxX', lock, 'echo', 'c'],
    ['-n', '-x', '-N', lock, 'echo', 'd'],
    ['--', lock, 'echo', 'e'],
    ['--x', lock, 'echo', 'f'],
    ['--help', lock, 'echo', 'g'],
    ['-n', '--', '-x', 'echo', 'h'],
    ['-', 'echo', 'i'],
    [lock, '-n', 'echo', 'j'],
    ['-z', lock, 'echo'],
    ['-nz', lock, 'echo'],
    ['-n-', lock, 'echo'],
    ['-n:', lock, 'echo'],
    ['-w', lock, 'echo'],
    ['-n'],
    [lock],
    [],
  ];
  for (const args of cases) await compare('setlock', args);
});

test('softlimit: -x value and -xvalue, clusters ending in a value, missing values', { skip }, async () => {
  const show = ['sh', '-c', 'ulimit -n; ulimit -d'];
  const cases = [
    ['-o5', ...show],
    ['-o', '6', ...show],
    ['-d', '9000000', '-o', '7', ...show],
    ['-o', '8', '--', ...show],
    ['-o', '9', '--x', ...show],
    ['-o', '-d', ...show],
    ['-do', '10', ...show],
    ['-o'],
    ['-d', '9000000', '-o'],
    ['-z', ...show],
    ['-o', '5', '-', ...show],
    [],
  ];
  for (const args of cases) await compare('softlimit', args);
});
