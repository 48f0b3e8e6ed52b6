// A full file system while lines keep coming: multilog pauses, says so, and loses nothing once
// space returns. Uses a 64 KiB tmpfs (root only, as CI runs).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '@fortress/test-support/wait-for';
import { expectedLines, lineWriterScript, multilogCommand, nodeCommand } from './fixtures.js';
import { allContent, BIN, exited, withSmallTmpfs } from './helpers.js';

const { root, mnt } = withSmallTmpfs('multilog');

test('out of disk space: warn every pause, resume when space returns, every line once', async () => {
  const count = 6000;
  const width = 60;
  const writer = nodeCommand(lineWriterScript(count, width));
  const logger = multilogCommand(BIN, ['s4096', 'n1000', './mnt/log']);
  const child = spawn('/bin/sh', ['-c', `${writer} | ${logger}`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('latin1');
  });
  try {
    await waitFor('the out-of-space warning', () =>
      stderr.includes('multilog: warning: unable to write to ./mnt/log/current, pausing: out of disk space\n'),
    );
    const r = spawnSync('mount', ['-o', 'remount,size=8m', mnt], { encoding: 'latin1' });
    assert.equal(r.status, 0, `remount: ${r.stderr}`);
    assert.equal(await exited(child), 0);
  } finally {
    // The whole pipeline is in its own process group.
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  }
  for (const line of stderr.split('\n').filter(Boolean)) {
    assert.match(line, /^multilog: warning: unable to .*, pausing: out of disk space$/);
  }
  assert.ok(allContent(join(mnt, 'log')).equals(expectedLines(count, width)), 'lines lost or repeated');
});
