// 2 million lines through many rotations: every line once, in order, files ending on newlines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { expectedLines, lineWriterScript, multilogCommand, nodeCommand } from './fixtures.js';
import { BIN, oldFiles } from './helpers.js';

const root = tempDir('multilog');

const LINES = 2_000_000;
const WIDTH = 9;
const SIZE = 1_000_000;

test('2,000,000 lines through t s1000000: every line once, in order', () => {
  const writer = nodeCommand(lineWriterScript(LINES, WIDTH));
  const logger = multilogCommand(BIN, ['t', `s${SIZE}`, 'n1000', './log']);
  const r = spawnSync('/bin/sh', ['-c', `${writer} | ${logger}`], { cwd: root, encoding: 'latin1' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const dir = join(root, 'log');
  const olds = oldFiles(dir);
  assert.ok(olds.length >= 60, `only ${olds.length} rotations`);
  let lastLabel = '';
  const parts: Buffer[] = [];
  for (const name of [...olds, 'current']) {
    const data = readFileSync(join(dir, name));
    if (name !== 'current') {
      assert.match(name, /^@[0-9a-f]{24}\.s$/);
      assert.equal(data[data.length - 1], 10, `${name} ends mid-line`);
      assert.ok(data.length <= SIZE && data.length >= SIZE - 2000, `${name}: ${data.length} bytes`);
      assert.equal(statSync(join(dir, name)).mode & 0o777, 0o744);
    }
    const text = data.toString('latin1');
    // Labels never go backwards, within a file or across files.
    for (const m of text.matchAll(/^@([0-9a-f]{24}) /gm)) {
      assert.ok(m[1]! >= lastLabel, `label ${m[1]} after ${lastLabel}`);
      lastLabel = m[1]!;
    }
    parts.push(Buffer.from(text.replace(/^@[0-9a-f]{24} /gm, ''), 'latin1'));
  }
  assert.ok(Buffer.concat(parts).equals(expectedLines(LINES, WIDTH)), 'the lines differ from what was written');
});
