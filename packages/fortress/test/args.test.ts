import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFortressError } from '@fortress/core/errors';
import { parseArgs } from '@fortress/fortress/args';

test('parseArgs: valued options in both spellings, flags, operands, `--`, repeated options', () => {
  const a = parseArgs(
    ['t', '--ip', '127.0.0.2', '--port=80', '--json', 'dir', '--set', 'A=1', '--set=B=2', '--', '--x'],
    ['ip', 'port', 'set'],
    ['json'],
  );
  assert.equal(a.options.get('ip'), '127.0.0.2');
  assert.equal(a.options.get('port'), '80');
  assert.deepEqual(a.lists.get('set'), ['A=1', 'B=2']);
  assert.equal(a.options.get('set'), 'B=2');
  assert.ok(a.flags.has('json'));
  assert.deepEqual(a.operands, ['t', 'dir', '--x']);
});

test('parseArgs: unknown options, a flag with a value, a missing value are usage errors', () => {
  assert.throws(
    () => parseArgs(['--nope'], [], []),
    (e: unknown) => isFortressError(e, 'ERR_USAGE') && /unknown option --nope/.test(e.message),
  );
  assert.throws(
    () => parseArgs(['--json=1'], [], ['json']),
    (e: unknown) => isFortressError(e, 'ERR_USAGE'),
  );
  assert.throws(() => parseArgs(['--ip'], ['ip'], []), /option --ip needs a value/);
});
