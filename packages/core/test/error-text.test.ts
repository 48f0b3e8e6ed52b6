import assert from 'node:assert/strict';
import { test } from 'node:test';

test('importing error-text loads no fs/promises or stream module', async () => {
  const { spawnSync } = await import('node:child_process');
  const url = import.meta.resolve('@fortress/core/error-text');
  // The list is taken before process.stdout is touched: stdout itself loads the stream modules.
  const report = 'const l = process.moduleLoadList.filter((m) => /stream|fs.promises/.test(m)); console.log(l.join())';
  const bare = spawnSync(process.execPath, ['--input-type=module', '-e', report]);
  const r = spawnSync(process.execPath, [
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(url)}); ${report}`,
  ]);
  assert.equal(r.status, 0, String(r.stderr));
  assert.equal(String(r.stdout), String(bare.stdout));
  const withFs = spawnSync(process.execPath, ['--input-type=module', '-e', `await import('node:fs'); ${report}`]);
  assert.notEqual(String(withFs.stdout), String(bare.stdout), 'the check sees what an fs import loads');
});
