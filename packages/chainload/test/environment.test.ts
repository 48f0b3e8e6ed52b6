import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEnvChanges } from '@fortress/chainload/environment';

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
