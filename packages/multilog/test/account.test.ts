// A log run in the daemontools style, `setuidgid LOGACCOUNT multilog t ./main`: the files belong
// to the log account, and the service's account can neither write nor read them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '@fortress/test-support/paths';
import { tempDir } from '@fortress/test-support/temp-dir';
import { run, testAccount } from './helpers.js';

const root = tempDir('multilog');

// Ours once packages/chainload is built, Debian's until then.
const OUR_SETUIDGID = join(REPO, 'packages/chainload/dist/bin/setuidgid.js');
const setuidgid = existsSync(OUR_SETUIDGID)
  ? [process.execPath, join(REPO, 'packages/chainload/bin/setuidgid.js')]
  : ['/usr/bin/setuidgid'];

test('setuidgid log multilog t ./main: files owned by the log account, closed to the service account', () => {
  const log = testAccount('fortress-test-log');
  const service = testAccount('fortress-test-svc');
  const logDir = join(root, 'service', 'log');
  mkdirSync(logDir, { recursive: true, mode: 0o755 });
  chownSync(logDir, log.uid, log.gid);
  const env = { ...process.env, PATH: `${join(REPO, 'node_modules/.bin')}:${process.env['PATH'] ?? ''}` };
  const r = spawnSync(setuidgid[0]!, [...setuidgid.slice(1), log.name, 'multilog', 't', 's4096', './main'], {
    cwd: logDir,
    env,
    input: `${'service line\n'.repeat(400)}`,
    encoding: 'latin1',
  });
  assert.equal(r.status, 0, r.stderr);
  const main = join(logDir, 'main');
  assert.equal(statSync(main).mode & 0o777, 0o700);
  const names = readdirSync(main);
  assert.ok(names.includes('current') && names.some((n) => n.endsWith('.s')), names.join(' '));
  for (const name of ['.', ...names]) {
    const st = statSync(join(main, name));
    assert.equal(st.uid, log.uid, `${name} owner`);
    assert.equal(st.gid, log.gid, `${name} group`);
  }
  const asService = { cwd: logDir, uid: service.uid, gid: service.gid };
  for (const attempt of [
    'echo forged >> main/current',
    'echo forged > main/new',
    'cat main/current',
    'rm -f main/current',
  ]) {
    const s = run(['/bin/sh', ['-c', attempt]], asService);
    assert.notEqual(s.status, 0, `the service account could: ${attempt}`);
  }
  assert.equal(
    run(['/bin/sh', ['-c', 'cat main/current']], { cwd: logDir })
      .stdout.toString('latin1')
      .includes('forged'),
    false,
  );
});
