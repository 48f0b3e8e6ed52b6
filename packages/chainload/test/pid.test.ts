// Each program becomes its child: the pid Node gave the process is the pid the child reports.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { ours, run } from './helpers.js';

const dir = tempDir('pid');
mkdirSync(join(dir, 'env'));
writeFileSync(join(dir, 'env', 'X'), '1\n');
writeFileSync(join(dir, 'file.env'), 'X=1\n');

const REPORT = ['sh', '-c', 'echo $$'];
const cases: [string, string[]][] = [
  ['setuidgid', ours('setuidgid', 'nobody', ...REPORT)],
  ['envuidgid', ours('envuidgid', 'nobody', ...REPORT)],
  ['envdir', ours('envdir', join(dir, 'env'), ...REPORT)],
  ['envfile', ours('envfile', join(dir, 'file.env'), ...REPORT)],
  ['softlimit', ours('softlimit', '-o', '100', ...REPORT)],
  ['setlock', ours('setlock', join(dir, 'lock'), ...REPORT)],
  ['pgrphack', ours('pgrphack', ...REPORT)],
  [
    'a chain of three',
    ours('envdir', join(dir, 'env'), ...ours('softlimit', '-o', '100', ...ours('setuidgid', 'nobody', ...REPORT))),
  ],
];

for (const [name, argv] of cases) {
  test(`${name}: the exec'd program has the same pid`, async () => {
    const out = await run(argv);
    assert.equal(out.stderr, '');
    assert.equal(out.code, 0);
    assert.equal(Number(out.stdout.trim()), out.pid);
  });
}
