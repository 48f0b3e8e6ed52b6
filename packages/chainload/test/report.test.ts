import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, run } from './helpers.js';

test('guard: an unexpected exception is one fatal line and exit 111, not a stack trace', async () => {
  const report = join(REPO, 'packages/chainload/dist/report.js');
  const script = `import { guard } from '${report}'; process.exitCode = await guard('prog', async () => { throw new Error('boom'); });`;
  const out = await run([process.execPath, '--input-type=module', '-e', script]);
  assert.deepEqual([out.code, out.stdout, out.stderr], [111, '', 'prog: fatal: internal error: boom\n']);
});
