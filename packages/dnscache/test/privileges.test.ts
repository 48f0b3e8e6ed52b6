// After start: the dnscache account, the root directory narrowed to $ROOT, and files outside it
// out of reach (an absolute symlink in ip/ resolves inside the chroot).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { account, Lab, OUR_DNSCACHE, Proc, queryPacket, udpExchange, waitFor } from './lab.js';

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

test('unprivileged, with $UID and $GID its own: it serves from $ROOT without chroot; with another $UID it refuses', async () => {
  const { uid, gid } = account('dnscache');
  const own = lab.cacheRoot('unprivileged', ['127'], { '@': [TINY] });
  chmodSync(lab.dir, 0o755); // mkdtemp's 0700 would keep the dnscache account out of its root
  const run = (envUid: number) => {
    const p = new Proc(
      spawn(process.execPath, [OUR_DNSCACHE], {
        env: {
          ...{ IP: `${BASE}.30`, PORT: '5353', IPSEND: '0.0.0.0', CACHESIZE: '100000', ROOT: own },
          ...{ UID: String(envUid), GID: String(gid) },
        },
        uid,
        gid,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    lab.onCleanup(() => p.stop());
    return p;
  };
  const other = run(0);
  await waitFor('dnscache with another $UID to exit', () => !other.alive());
  assert.match(other.out, /dnscache: fatal: unable to chroot to .*: permission denied/);
  const p = run(uid);
  await waitFor('unprivileged dnscache', () => p.lines.includes('starting') || !p.alive());
  assert.ok(p.alive(), p.out);
  assert.equal(readlinkSync(`/proc/${p.child.pid}/cwd`), own);
  assert.equal(readlinkSync(`/proc/${p.child.pid}/root`), '/');
  const reply = await waitFor('an answer from the unprivileged dnscache', () =>
    udpExchange(`${BASE}.30`, queryPacket('www.test', 'A'), '127.0.0.1', 3000, 5353),
  );
  assert.ok(reply?.subarray(reply.length - 4).equals(Buffer.from([127, 0, 0, 11])));
});
