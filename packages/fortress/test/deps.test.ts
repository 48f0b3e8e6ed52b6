// fortress deps: the needs/ graph as a tree and for Graphviz, from a live tree under our svscan
// (one-process mode) and from fixed states; fortress status's view of a waiting service.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { graphOf } from '@fortress/core/needs-graph';
import { formatDot } from '@fortress/fortress/deps/dot';
import type { NodeState } from '@fortress/fortress/deps/service-state';
import { formatTree } from '@fortress/fortress/deps/tree';
import { spawnGroup } from '@fortress/test-support/processes';
import { tempDir } from '@fortress/test-support/temp-dir';
import { BIN, fortress, waitFor } from './helpers.js';

const NEEDS: Record<string, string[]> = {
  web: ['app', 'cache'],
  app: ['base', 'ghost'],
  cache: ['base'],
  x: ['y'],
  y: ['x'],
};
const graph = graphOf(['app', 'base', 'cache', 'web', 'x', 'y'], (s) => ({ names: NEEDS[s] ?? [], bad: [] }));
const states: Record<string, NodeState> = {
  base: { word: 'ready', detail: '' },
  app: { word: 'waiting', detail: 'for ghost' },
  cache: { word: 'up', detail: '' },
  web: { word: 'waiting', detail: 'for app' },
  x: { word: 'waiting', detail: 'for y' },
  y: { word: 'waiting', detail: 'for x' },
};

test('the tree: roots are what nothing needs, a need shown under each dependent, cycles and missing names marked', () => {
  assert.equal(
    formatTree(graph, (n) => states[n]!),
    [
      'web  waiting for app',
      '  app  waiting for ghost',
      '    base  ready',
      '    ghost  missing',
      '  cache  up',
      '    base  ready',
      'x  waiting for y',
      '  y  waiting for x',
      '    x  (cycle)',
      '',
    ].join('\n'),
  );
});

test('--dot: a node per service with its state, dashed for a missing one, an edge per need', () => {
  const dot = formatDot(graph, (n) => states[n]!);
  assert.ok(dot.startsWith('digraph needs {\n'), dot);
  assert.match(dot, /^ {2}"app" \[label="app\\nwaiting for ghost", color=orange\];$/m);
  assert.match(dot, /^ {2}"base" \[label="base\\nready", color=darkgreen\];$/m);
  assert.match(dot, /^ {2}"ghost" \[label="ghost\\nmissing", style=dashed, color=red\];$/m);
  const edges = dot.split('\n').filter((l) => l.includes('->'));
  assert.deepEqual(edges, [
    '  "app" -> "base";',
    '  "app" -> "ghost";',
    '  "cache" -> "base";',
    '  "web" -> "app";',
    '  "web" -> "cache";',
    '  "x" -> "y";',
    '  "y" -> "x";',
  ]);
  const hasDot = spawnSync('sh', ['-c', 'command -v dot']).status === 0;
  if (hasDot) assert.equal(spawnSync('dot', ['-Tsvg'], { input: dot }).status, 0);
});

test('a live tree: deps and status show who waits for whom and which need failed', async () => {
  const dir = tempDir('deps');
  const scan = join(dir, 'scan');
  const service = (name: string, needs: string[], run = 'exec sleep 100000'): string => {
    const d = join(scan, name);
    mkdirSync(join(d, 'needs'), { recursive: true });
    for (const n of needs) writeFileSync(join(d, 'needs', n), '');
    writeFileSync(join(d, 'run'), `#!/bin/sh\n${run}\n`, { mode: 0o755 });
    return d;
  };
  service('base', []);
  service('app', ['base']);
  service('broken', [], 'exit 1');
  writeFileSync(join(scan, 'broken', 'finish'), '#!/bin/sh\nexit 125\n', { mode: 0o755 });
  service('client', ['broken', 'app']);
  service('lost', ['ghost']);
  const svscan = spawnGroup([process.execPath, join(BIN, 'svscan'), '-1', scan], {
    cwd: scan,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  svscan.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  after(async () => {
    if (svscan.exitCode === null) {
      const exited = new Promise((resolve) => svscan.once('exit', resolve));
      svscan.kill('SIGTERM');
      await exited;
    }
  });
  const tree = await waitFor('the tree to settle', () => {
    const r = fortress(['deps', scan]);
    return r.stdout.includes('client  waiting for broken (failed)') && r.stdout.includes('app  up') ? r : undefined;
  });
  assert.equal(tree.status, 0, tree.stderr);
  assert.equal(
    tree.stdout,
    [
      'client  waiting for broken (failed)',
      '  app  up',
      '    base  up',
      '  broken  failed',
      'lost  waiting for ghost',
      '  ghost  missing',
      '',
    ].join('\n'),
  );
  assert.equal(tree.stderr, '');
  const status = fortress(['status', scan]);
  assert.match(status.stdout, /^client\s+waiting \(for broken \(failed\)\)\s.*needs broken, which failed$/m);
  assert.match(status.stdout, /^lost\s+waiting \(for ghost\)\s/m);
  const json = JSON.parse(fortress(['status', scan, '--json']).stdout) as Record<string, unknown>[];
  const client = json.find((s) => s.name === 'client')!;
  assert.deepEqual([client.supervision, client.waitingFor, client.failedNeeds], ['waiting', ['broken'], ['broken']]);
  assert.match(stderr, /svscan: warning: lost needs missing service ghost\n/, JSON.stringify(stderr));
});

test('usage 100, an unreadable scan directory 111', () => {
  const bad = fortress(['deps', '--nonsense']);
  assert.equal(bad.status, 100);
  assert.match(bad.stderr, /^fortress: usage: fortress deps \[SCANDIR\] \[--dot\]/);
  const missing = fortress(['deps', '/nonexistent/scan']);
  assert.equal(missing.status, 111);
  assert.equal(missing.stderr, 'fortress: fatal: unable to read /nonexistent/scan: file does not exist\n');
});
