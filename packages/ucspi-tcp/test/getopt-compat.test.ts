// tcpserver's and tcpclient's getopt side by side with Debian's: what a bad command line prints
// first (getopt's line) and the exit code. The usage lines differ only by our extension options
// (-C, -m), so the second line is compared up to them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { bin } from './helpers.js';

const skip = !existsSync('/usr/bin/tcpserver') || !existsSync('/usr/bin/tcpclient');

function outcome(argv: string[]) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = r.stderr.replace(' [ -C perip ] [ -m module.js ]', '');
  return [r.status, r.stdout, stderr];
}

test('tcpserver and tcpclient: unknown letters, missing values, --word, - and missing operands', { skip }, () => {
  const cases = [
    ['-Z'],
    ['-Hz', '0', '0', 'true'],
    ['-c'],
    ['-v', '-b'],
    ['--x'],
    ['--help', 'x'],
    ['-'],
    ['-c', '5'],
    [],
  ];
  for (const name of ['tcpserver', 'tcpclient']) {
    for (const args of cases) {
      const mine = outcome([process.execPath, bin(name), ...args]);
      assert.deepEqual(mine, outcome([`/usr/bin/${name}`, ...args]), `${name} ${args.join(' ')}`);
      assert.equal(mine[0], 100);
    }
  }
});
