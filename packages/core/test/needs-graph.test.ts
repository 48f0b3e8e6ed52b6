// needs-graph.ts: the graph of a scan directory's needs/, its cycles and the stop order's edges.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cycleText,
  cyclicComponents,
  dependentsOf,
  findCycles,
  graphOf,
  needsGraph,
  stopBlockers,
} from '@fortress/core/needs-graph';

/** A graph from `name: need need` pairs. */
function graph(spec: Record<string, string[]>, bad: Record<string, string[]> = {}) {
  return graphOf(Object.keys(spec).sort(), (s) => ({ names: spec[s]!, bad: bad[s] ?? [] }));
}

test('needs, missing names and bad entries are sorted apart', () => {
  const g = graph({ web: ['db', 'ghost', 'cache'], db: [], cache: ['db'] }, { web: ['.x'] });
  assert.deepEqual(g.services, ['cache', 'db', 'web']);
  assert.deepEqual(Object.fromEntries(g.needs), { cache: ['db'], db: [], web: ['cache', 'db'] });
  assert.deepEqual(Object.fromEntries(g.missing), { web: ['ghost'] });
  assert.deepEqual(Object.fromEntries(g.bad), { web: ['.x'] });
  assert.deepEqual(Object.fromEntries(dependentsOf(g)), { cache: ['web'], db: ['cache', 'web'], web: [] });
  assert.deepEqual(findCycles(g), []);
});

test('cycles: one closed path per component, from its smallest name, shortest first; self-needs too', () => {
  const g = graph({
    a: ['b'],
    b: ['c', 'a'],
    c: ['a'],
    d: ['d'],
    e: ['a'],
    f: [],
  });
  assert.deepEqual(cyclicComponents(g), [['a', 'b', 'c'], ['d']]);
  const cycles = findCycles(g);
  assert.deepEqual(cycles, [
    ['a', 'b', 'a'],
    ['d', 'd'],
  ]);
  assert.equal(cycleText(cycles[0]!), 'a -> b -> a');
});

test('a chain of 20000 does not overflow the stack', () => {
  const spec: Record<string, string[]> = {};
  for (let i = 0; i < 20000; i++) spec[`s${i}`] = i === 0 ? [] : [`s${i - 1}`];
  spec['s0'] = ['s19999'];
  assert.equal(findCycles(graph(spec))[0]!.length, 20001);
});

test('stop blockers: each service waits for its dependents, but not within a cycle', () => {
  const g = graph({ app: ['x'], x: ['y'], y: ['x', 'base'], base: [], solo: [] });
  assert.deepEqual(Object.fromEntries(stopBlockers(g)), {
    app: [],
    base: ['y'],
    solo: [],
    x: ['app'],
    y: [],
  });
});

test('needsGraph reads a scan directory: dot-names and files skipped, symlinked services and needs/ symlinks', () => {
  const root = mkdtempSync(join(tmpdir(), 'needs-graph-'));
  try {
    const scan = join(root, 'scan');
    for (const name of ['db', 'web', '.hidden']) mkdirSync(join(scan, name, 'needs'), { recursive: true });
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(scan, 'linked'));
    writeFileSync(join(scan, 'README'), '');
    writeFileSync(join(scan, 'web', 'needs', 'db'), '');
    symlinkSync('../../linked', join(scan, 'web', 'needs', 'linked'));
    writeFileSync(join(scan, 'db', 'needs', 'nosuch'), '');
    const g = needsGraph(scan);
    assert.deepEqual(g.services, ['db', 'linked', 'web']);
    assert.deepEqual(g.needs.get('web'), ['db', 'linked']);
    assert.deepEqual(Object.fromEntries(g.missing), { db: ['nosuch'] });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
