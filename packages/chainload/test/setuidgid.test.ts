// setuidgid to a test account: uid, gid and supplementary groups are exactly the account's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, test } from 'node:test';
import { findAccount } from '@fortress/chainload/account';
import { isRoot, ours, run, testEnv } from './helpers.js';

const USER = 'fortress-test-chainload';
const EXTRA = 'fortress-test-chainload-x';
const OTHER = 'fortress-test-chainload-y';
const REPORT = ['sh', '-c', 'grep -E "^(Uid|Gid|Groups):" /proc/$$/status'];

/** Creates the test account (left in place, as agreed) with one supplementary group. */
function ensureAccount(): void {
  for (const group of [EXTRA, OTHER]) {
    if (spawnSync('getent', ['group', group]).status !== 0)
      spawnSync('groupadd', ['--system', group], { stdio: 'inherit' });
  }
  if (spawnSync('getent', ['passwd', USER]).status !== 0) {
    spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', '--groups', EXTRA, USER],
      {
        stdio: 'inherit',
      },
    );
  }
}

function ids(of: string[]): number[] {
  const r = spawnSync('id', of, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split(/\s+/).map(Number);
}

function parseStatus(text: string): { uid: number[]; gid: number[]; groups: number[] } {
  const field = (name: string): number[] => {
    const m = new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text);
    assert.ok(m, `${name} in ${text}`);
    return m[1]!.trim().split(/\s+/).filter(Boolean).map(Number);
  };
  return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups').sort((a, b) => a - b) };
}

before(() => {
  if (isRoot) ensureAccount();
});

test("setuidgid ACCOUNT: uid, gid and groups of the exec'd program are the account's", {
  skip: !isRoot && 'needs root',
}, async () => {
  const account = findAccount(USER)!;
  assert.ok(account, 'test account exists');
  const expectedGroups = ids(['-G', USER]).sort((a, b) => a - b);
  assert.ok(expectedGroups.length >= 2, 'the account has a supplementary group');
  assert.deepEqual(ids(['-g', USER]), [account.gid]);
  const out = await run(ours('setuidgid', USER, ...REPORT), { env: testEnv({ HOME: '/root', USER: 'root' }) });
  assert.equal(out.stderr, '');
  assert.equal(out.code, 0);
  const status = parseStatus(out.stdout);
  assert.deepEqual(status.uid, [account.uid, account.uid, account.uid, account.uid]);
  assert.deepEqual(status.gid, [account.gid, account.gid, account.gid, account.gid]);
  assert.deepEqual(status.groups, expectedGroups);
});

test('setuidgid USER:GROUP:GROUP sets the primary group and exactly the groups listed', {
  skip: !isRoot && 'needs root',
}, async () => {
  const account = findAccount(USER)!;
  const otherGid = Number(spawnSync('getent', ['group', OTHER], { encoding: 'utf8' }).stdout.split(':')[2]);
  const out = await run(ours('setuidgid', `${USER}:${OTHER}:0`, ...REPORT));
  assert.equal(out.stderr, '');
  const status = parseStatus(out.stdout);
  assert.deepEqual(status.uid, [account.uid, account.uid, account.uid, account.uid]);
  assert.deepEqual(status.gid, [otherGid, otherGid, otherGid, otherGid]);
  assert.deepEqual(
    status.groups,
    [0, otherGid].sort((a, b) => a - b),
  );
});

test('setuidgid USER:GROUP with an unknown group fails before exec', async () => {
  const out = await run(ours('setuidgid', 'nobody:fortress-no-such-group', 'true'));
  assert.deepEqual(
    [out.code, out.stdout, out.stderr],
    [111, '', 'setuidgid: fatal: unknown group fortress-no-such-group\n'],
  );
  const unknown = await run(ours('setuidgid', 'fortress-no-such-user:root', 'true'));
  assert.deepEqual([unknown.code, unknown.stderr], [111, 'setuidgid: fatal: unknown account fortress-no-such-user\n']);
});

test('setuidgid leaves the environment alone', async () => {
  const env = testEnv({ HOME: '/root', USER: 'root', KEEP: 'me' });
  const out = await run(ours('setuidgid', 'nobody', 'env'), { env });
  assert.equal(out.code, 0);
  assert.deepEqual(
    out.stdout.trim().split('\n').sort(),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .sort(),
  );
});

test("envuidgid sets UID and GID to the account's ids and keeps its own ids", async () => {
  const nobody = findAccount('nobody')!;
  const out = await run(ours('envuidgid', 'nobody', 'sh', '-c', 'echo $UID $GID $(id -u)'), {
    env: testEnv({ UID: '5', GID: '6' }),
  });
  assert.equal(out.stderr, '');
  assert.equal(out.stdout, `${nobody.uid} ${nobody.gid} ${process.getuid!()}\n`);
});
