import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEnvChanges as applyAsBytes, type EnvChange } from '@fortress/chainload/environment';

const applyEnvChanges = (env: NodeJS.ProcessEnv, changes: EnvChange[]) =>
  applyAsBytes(env, changes).map((entry) => entry.toString());

test('applyEnvChanges: a replaced or removed variable takes the last slot, new ones are appended', () => {
  const env = { A: '1', B: '2', C: '3', D: '4' };
  assert.deepEqual(applyEnvChanges(env, [['B', 'x']]), ['A=1', 'D=4', 'C=3', 'B=x']);
  assert.deepEqual(applyEnvChanges(env, [['A', undefined]]), ['D=4', 'B=2', 'C=3']);
  assert.deepEqual(applyEnvChanges(env, [['E', '']]), ['A=1', 'B=2', 'C=3', 'D=4', 'E=']);
  assert.deepEqual(applyEnvChanges(env, [['D', undefined]]), ['A=1', 'B=2', 'C=3']);
});

test('applyEnvChanges: a name containing = replaces the variable named by its first part', () => {
  assert.deepEqual(applyEnvChanges({ G: 'old', X: '1' }, [['G=H', 'x=y']]), ['X=1', 'G=H=x=y']);
});

test('applyEnvChanges: names and values may be bytes that are not UTF-8', () => {
  const name = Buffer.from([0xff, 0xfe, 0x4e]);
  const entries = applyAsBytes({ A: '1' }, [[name, Buffer.from([0x76, 0xfe])]]);
  assert.deepEqual(entries, [Buffer.from('A=1'), Buffer.from([0xff, 0xfe, 0x4e, 0x3d, 0x76, 0xfe])]);
  assert.deepEqual(
    applyAsBytes({ A: '1' }, [
      [name, 'x'],
      [name, undefined],
    ]),
    [Buffer.from('A=1')],
  );
});
