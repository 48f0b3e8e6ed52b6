import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { accountGroups, findAccount, findGroup, resolveGroup } from '@fortress/chainload/account';
import { tempDir } from '@fortress/test-support/temp-dir';

const dir = tempDir('account');
const passwd = join(dir, 'passwd');
const group = join(dir, 'group');
writeFileSync(
  passwd,
  'root:x:0:0:root:/root:/bin/sh\n# comment\nalice:x:1001:1001::/home/alice:/bin/sh\nbroken:x:abc:1::/:/bin/sh\n',
);
writeFileSync(group, 'root:x:0:\nalice:x:1001:\nstaff:x:50:bob,alice\nwheel:x:10:bob\n4242:x:77:\n');

test('findAccount reads uid and primary gid; malformed and unknown entries are not found', () => {
  assert.deepEqual(findAccount('alice', passwd), { name: 'alice', uid: 1001, gid: 1001 });
  assert.equal(findAccount('broken', passwd), undefined);
  assert.equal(findAccount('nobody-here', passwd), undefined);
  assert.equal(findAccount('alice', join(dir, 'missing')), undefined);
});

test('accountGroups: the primary group and every group listing the account', () => {
  assert.deepEqual(
    accountGroups({ name: 'alice', uid: 1001, gid: 1001 }, group).sort((x, y) => x - y),
    [50, 1001],
  );
});

test('resolveGroup: a name first, then a number', () => {
  assert.equal(findGroup('staff', group)?.gid, 50);
  assert.equal(resolveGroup('wheel', group), 10);
  assert.equal(resolveGroup('4242', group), 77);
  assert.equal(resolveGroup('123', group), 123);
  assert.equal(resolveGroup('nosuch', group), undefined);
});
