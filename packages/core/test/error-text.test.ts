import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { test } from 'node:test';
import * as lean from '@fortress/core/error-text';
import * as errors from '@fortress/core/errors';

test('error-text gives the same text as errors for every errno, and for odd values', () => {
  const values: unknown[] = [undefined, null, 'ENOENT', {}, { code: 42 }, { code: 'EBOGUS' }, new Error('x')];
  for (const name of Object.keys(constants.errno)) values.push({ code: name });
  for (const value of values) assert.equal(lean.errorText(value), errors.errorText(value), JSON.stringify(value));
  assert.equal(lean.errorText({ code: 'ENXIO' }), 'device not configured');
});

test('error-text names errnos as errors does', () => {
  for (const value of Object.values(constants.errno)) {
    assert.equal(lean.errnoName(value), errors.errnoName(value));
    assert.equal(lean.errnoName(-value), errors.errnoName(-value));
  }
  assert.equal(lean.errnoName(constants.errno.EAGAIN), 'EAGAIN');
});

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
