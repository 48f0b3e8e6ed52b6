import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextPause } from '@fortress/supervise/restart-policy';

test('no restart-delay-max: no pause beyond the 1 s pacing', () => {
  assert.equal(nextPause(0, 10, { maxMs: 0, stableMs: 10_000 }), 0);
  assert.equal(nextPause(4000, 10, { maxMs: 0, stableMs: 10_000 }), 0);
});

test('quick deaths: 1 s, then doubling up to the cap; a stable run starts over', () => {
  const policy = { maxMs: 5000, stableMs: 10_000 };
  const pauses: number[] = [];
  let pause = 0;
  for (let i = 0; i < 6; i++) {
    pause = nextPause(pause, 50, policy);
    pauses.push(pause);
  }
  assert.deepEqual(pauses, [1000, 2000, 4000, 5000, 5000, 5000]);
  assert.equal(nextPause(5000, 10_000, policy), 0, 'up for restart-stable ms: the count starts over');
  assert.equal(nextPause(0, 50, policy), 1000);
  assert.equal(nextPause(0, 50, { maxMs: 300, stableMs: 10_000 }), 1000, 'never below 0.76 pacing');
});
