// The rotation rule with short lines, where 0.76's 512-byte buffer makes it overshoot: ours rotates
// at the first newline at or past SIZE - 2000, and never lets current exceed SIZE.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { allContent, oldFiles, ourCommand, run } from './helpers.js';

const root = tempDir('multilog');

test('s4096 with 86-byte lines: every file ends at the first newline past 2096 bytes', () => {
  const line = `${'x'.repeat(85)}\n`;
  const input = line.repeat(200);
  const r = run(ourCommand('multilog', ['s4096', 'n100', './d']), { cwd: root, input });
  assert.equal(r.status, 0, r.stderr);
  const dir = join(root, 'd');
  const olds = oldFiles(dir);
  assert.equal(olds.length, 8);
  for (const name of olds) assert.equal(statSync(join(dir, name)).size, 25 * 86, name);
  assert.equal(allContent(dir).toString(), input);
});

test('a line longer than SIZE is split at SIZE; its rest starts the next file', () => {
  const input = `${'a'.repeat(5000)}\nshort\n`;
  const r = run(ourCommand('multilog', ['s4096', 'n100', './long']), { cwd: root, input });
  assert.equal(r.status, 0, r.stderr);
  const dir = join(root, 'long');
  const olds = oldFiles(dir);
  assert.equal(olds.length, 1);
  assert.equal(readFileSync(join(dir, olds[0]!), 'latin1'), 'a'.repeat(4096));
  assert.equal(readFileSync(join(dir, 'current'), 'latin1'), `${'a'.repeat(904)}\nshort\n`);
});
