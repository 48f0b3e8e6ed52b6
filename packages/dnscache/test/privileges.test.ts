// After start: the dnscache account, the root directory narrowed to $ROOT, and files outside it
// out of reach (an absolute symlink in ip/ resolves inside the chroot).
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { account, Lab, OUR_DNSCACHE, type Proc, queryPacket, udpExchange } from './lab.js';

const BASE = '127.53.7';
const TINY = `${BASE}.1`;
const OURS = `${BASE}.10`;
const lab = new Lab();
let ours: Proc;
let root = '';

before(async () => {
  await lab.tinydns(TINY, `.test:${TINY}:a\n+www.test:127.0.0.11:300\n`);
  root = lab.cacheRoot('ours', [], { '@': [TINY] });
  // ip/127.53.7.20 → a file that exists outside the root only; ip/127.53.7.21 → one inside.
  const outside = join(lab.dir, 'outside-secret');
  writeFileSync(outside, 'secret');
  symlinkSync(outside, join(root, 'ip', `${BASE}.20`));
  writeFileSync(join(root, 'inside'), '');
  symlinkSync('/inside', join(root, 'ip', `${BASE}.21`));
  ours = await lab.dnscache(OUR_DNSCACHE, OURS, root);
});
after(() => lab.cleanup());

test('/proc/PID/status shows the dnscache account', () => {
  const { uid, gid } = account('dnscache');
  const status = readFileSync(`/proc/${ours.child.pid}/status`, 'utf8');
  assert.match(status, new RegExp(`^Uid:\\t${uid}\\t${uid}\\t${uid}\\t${uid}$`, 'm'));
  assert.match(status, new RegExp(`^Gid:\\t${gid}\\t${gid}\\t${gid}\\t${gid}$`, 'm'));
  assert.match(status, new RegExp(`^Groups:\\t${gid} ?$`, 'm'));
});

test('its root directory is $ROOT', () => {
  assert.equal(readlinkSync(`/proc/${ours.child.pid}/root`), root);
});

test('a file outside the root cannot be reached; the same path inside can', async () => {
  assert.equal(await udpExchange(OURS, queryPacket('www.test', 'A'), `${BASE}.20`, 1500), undefined);
  assert.ok(await udpExchange(OURS, queryPacket('www.test', 'A'), `${BASE}.21`));
});
