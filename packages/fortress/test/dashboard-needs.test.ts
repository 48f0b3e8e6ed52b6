// The dashboard's state cell for a service held back by needs/: `waiting`, for whom, and which
// need failed for good; the same words fortress status uses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tracked } from '@fortress/fortress/dashboard/model';
import { renderCells } from '@fortress/fortress/dashboard/render';
import type { ServiceJson } from '@fortress/svc/status-json';

function tracked(json: Partial<ServiceJson>): Tracked {
  const base = { state: 'down', pid: 0, seconds: 5, since: 0, normally: 'up', want: 'up', error: null, lastExit: null };
  return {
    view: { name: 'app', dir: '/x/app', json: { ...base, ...json } as ServiceJson, memory: null },
    history: { runs: [] },
    logger: undefined,
  } as unknown as Tracked;
}

test('a waiting service: its state cell names what it waits for, a failed need marked', () => {
  const cells = renderCells(
    tracked({ supervision: 'waiting', waitingFor: ['cache', 'db<1>'], failedNeeds: ['db<1>'] }),
    false,
  );
  assert.equal(
    cells.state,
    '<span class="state state-waiting">waiting</span> <span class="note">for cache, db&#60;1&#62; (failed)</span>',
  );
  const plain = renderCells(tracked({ supervision: 'down', waitingFor: [], failedNeeds: [] }), false);
  assert.match(plain.state, /^<span class="state state-down">down<\/span>/);
});
