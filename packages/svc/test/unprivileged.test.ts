// "access denied" paths, seen by an unprivileged user (nobody) on root's files: our svc, svstat
// and svok against Debian's, byte for byte. Needs root to switch users; skipped otherwise.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { debian, FakeSupervise, ours, removeDir, statusBytes, tempDir } from './helpers.js';

const NOBODY = 65534;
const skip = process.getuid?.() === 0 ? false : 'needs root to run as nobody';
let root: string;
const fakes: FakeSupervise[] = [];

before(() => {
  root = tempDir();
  chmodSync(root, 0o755);
});

after(() => {
  for (const f of fakes) f.close();
  removeDir(root);
});

function fake(name: string): FakeSupervise {
  mkdirSync(join(root, name));
  const f = new FakeSupervise(join(root, name));
  fakes.push(f);
  return f;
}

test('svc, svstat and svok print the access denied texts of 0.76', { skip }, () => {
  const locked = join(root, 'locked');
  mkdirSync(locked, { mode: 0o700 });
  const fifos = fake('fifos-0600');
  fifos.writeStatus(statusBytes(Math.floor(Date.now() / 1000) + 100_000, 12, 0, 0x75));
  const status = fake('status-0600');
  chmodSync(join(status.dir, 'supervise/ok'), 0o666);
  chmodSync(join(status.dir, 'supervise/control'), 0o666);
  writeFileSync(join(status.dir, 'supervise/status'), statusBytes(0, 12, 0, 0x75), { mode: 0o600 });
  const dirs = [locked, fifos.dir, status.dir];

  const svstat = ours('svstat', dirs, root, NOBODY);
  assert.deepEqual(svstat, debian('svstat', dirs, root, NOBODY));
  assert.equal(
    svstat.stdout,
    `${locked}: unable to chdir: access denied\n` +
      `${fifos.dir}: unable to open supervise/ok: access denied\n` +
      `${status.dir}: unable to open supervise/status: access denied\n`,
  );

  const svc = ours('svc', ['-u', ...dirs], root, NOBODY);
  assert.deepEqual(svc, debian('svc', ['-u', ...dirs], root, NOBODY));
  assert.equal(
    svc.stderr,
    `svc: warning: unable to chdir to ${locked}: access denied\n` +
      `svc: warning: unable to control ${fifos.dir}: access denied\n`,
  );
  assert.equal(status.readControl(), 'uu', 'the writable FIFO got both runs');

  for (const [dir, code, text] of [
    [locked, 111, `svok: fatal: unable to chdir to ${locked}: access denied\n`],
    [fifos.dir, 111, `svok: fatal: unable to open ${fifos.dir}/supervise/ok: access denied\n`],
    [status.dir, 0, ''],
  ] as const) {
    const r = ours('svok', [dir], root, NOBODY);
    assert.deepEqual(r, debian('svok', [dir], root, NOBODY));
    assert.deepEqual([r.status, r.stderr], [code, text]);
  }
});
