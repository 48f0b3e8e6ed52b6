// stop-order.ts: which services a whole-tree stop may tell to stop, and when a dependent that
// does not go down stops holding up what it needs.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { graphOf } from '@fortress/core/needs-graph';
import { Entry } from '@fortress/svscan/entry';
import { StopOrder, stopLimit } from '@fortress/svscan/stop-order';
import { tempRoot } from './helpers.js';

const root = tempRoot('stop-order');
const entries: Entry[] = [];
after(() => {
  for (const e of entries) e.close();
});

function entry(name: string, files: Record<string, string> = {}): Entry {
  mkdirSync(join(root, name));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, name, file), text);
  const e = new Entry(root, name, name);
  entries.push(e);
  return e;
}

test('each service is released once everything that needs it is down; a cycle together', () => {
  const db = entry('db');
  const web = entry('web', { 'timeout-kill': '100\n', 'timeout-finish': '50\n' });
  const x = entry('x');
  const y = entry('y');
  const needs: Record<string, string[]> = { web: ['db'], x: ['y', 'db'], y: ['x'] };
  const graph = graphOf(['db', 'web', 'x', 'y'], (s) => ({ names: needs[s] ?? [], bad: [] }));
  const down = new Set<Entry>();
  const order = new StopOrder(graph, [db, web, x, y], (e) => down.has(e), 3000);
  const names = (list: { entry: Entry }[]) => list.map((r) => r.entry.name).sort();
  assert.equal(order.pending, 4);
  const first = order.release(0);
  assert.deepEqual(names(first), ['web', 'x', 'y']);
  for (const r of first) order.begin(r.entry, 0);
  assert.deepEqual(order.release(10), []);
  down.add(web);
  assert.deepEqual(order.release(20), []); // x is not down yet
  down.add(x);
  // y needs x, not db: db waits only for web and x.
  const last = order.release(30);
  assert.deepEqual(names(last), ['db']);
  assert.deepEqual(last[0]!.overdue, []);
  assert.equal(order.pending, 0);
});

test('a dependent not down within its own deadlines no longer holds up its need', () => {
  const base = entry('base');
  const stuck = entry('stuck', { 'timeout-kill': '100\n', 'timeout-finish': '50\n' });
  const graph = graphOf(['base', 'stuck'], (s) => ({ names: s === 'stuck' ? ['base'] : [], bad: [] }));
  const order = new StopOrder(graph, [base, stuck], () => false, 3000);
  assert.deepEqual(
    order.release(1000).map((r) => r.entry.name),
    ['stuck'],
  );
  order.begin(stuck, 1000);
  const limit = stopLimit(stuck, 3000);
  assert.equal(limit, 100 + 50 + 2000);
  assert.deepEqual(order.release(1000 + limit), []);
  const late = order.release(1000 + limit + 1);
  assert.deepEqual(
    late.map((r) => [r.entry.name, r.overdue.map((e) => e.name)]),
    [['base', ['stuck']]],
  );
  // Without timeout-kill, the grace time; without timeout-finish, 5 s.
  assert.equal(stopLimit(base, 3000), 3000 + 5000 + 2000);
});
