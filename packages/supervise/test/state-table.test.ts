// The state machine's table (state-table.ts): complete, and saying what s6-supervise's does for
// the inputs where the two can be compared; the behaviour itself is tested end to end elsewhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SUPERVISOR_STATES } from '@fortress/core/extra-status';
import { INPUTS, STATE_TABLE, transition } from '@fortress/supervise/state-table';

test('every state says what every input does', () => {
  assert.deepEqual(Object.keys(STATE_TABLE).sort(), [...SUPERVISOR_STATES].sort());
  for (const state of SUPERVISOR_STATES) {
    assert.deepEqual(Object.keys(STATE_TABLE[state]).sort(), [...INPUTS].sort(), state);
  }
});

test('exited ignores everything; only the running states obey signals and see ./run end', () => {
  for (const input of INPUTS) assert.equal(transition('exited', input), 'ignore', input);
  const running = ['starting', 'up', 'ready', 'stopping'];
  for (const state of SUPERVISOR_STATES) {
    assert.equal(transition(state, 'signal'), running.includes(state) ? 'signal' : 'ignore', state);
    assert.equal(transition(state, 'run-exit'), running.includes(state) ? 'run-ended' : 'ignore', state);
    assert.equal(transition(state, 'finish-exit'), state === 'finishing' ? 'finish-ended' : 'ignore', state);
  }
});

test('the rows that differ from their neighbours', () => {
  // d: stop what runs; wait for ./finish; forget a pending start or wait; a failure stays.
  assert.equal(transition('up', 'd'), 'stop');
  assert.equal(transition('finishing', 'd'), 'want-down-later');
  assert.equal(transition('backoff', 'd'), 'rest');
  assert.equal(transition('waiting', 'd'), 'rest');
  assert.equal(transition('failed', 'd'), 'want-down-failed');
  // u: a done oneshot is not run again; elsewhere at rest, start.
  assert.equal(transition('done', 'u'), 'ignore');
  assert.equal(transition('failed', 'u'), 'want-up');
  assert.equal(transition('ready', 'u'), 'want-up-later');
  // readiness
  assert.equal(transition('starting', 'ready'), 'become-ready');
  assert.equal(transition('starting', 'never'), 'become-up');
  assert.equal(transition('stopping', 'ready'), 'note-ready');
  assert.equal(transition('ready', 'reloading'), 'reload');
  // timers and needs
  assert.equal(transition('backoff', 'timer'), 'start');
  assert.equal(transition('down', 'timer'), 'ignore');
  assert.equal(transition('waiting', 'needs-met'), 'start');
  assert.equal(transition('ready', 'needs-lost'), 'needs-lost');
  assert.equal(transition('stopping', 'needs-lost'), 'ignore');
  // x: at once at rest, later while something runs
  assert.equal(transition('waiting', 'x'), 'exit-now');
  assert.equal(transition('finishing', 'x'), 'exit-later');
});
