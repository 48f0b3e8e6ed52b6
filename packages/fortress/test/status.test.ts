// fortress status without supervision running: unsupervised services, a missing scan directory,
// a status file from a supervise that is gone; and --watch until SIGTERM.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDuration } from '@fortress/fortress/status/format';
import { listServices } from '@fortress/fortress/status/service-status';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { FORTRESS, fortress } from './helpers.js';

const dir = tempDir('status');
const scan = join(dir, 'service');
for (const name of ['web', 'web/log', 'clock', '.hidden']) mkdirSync(join(scan, name), { recursive: true });
writeFileSync(join(scan, 'web/run'), '#!/bin/sh\nexec sleep 100\n', { mode: 0o755 });
writeFileSync(join(scan, 'clock/down'), '');
writeFileSync(join(scan, 'README'), 'not a service\n');

test('listServices: directories and their log/, dot-names and plain files skipped', () => {
  assert.deepEqual(
    listServices(scan).map((s) => s.name),
    ['clock', 'web', 'web/log'],
  );
});

test('status --json: services without a running supervise are unsupervised, whatever status file is left', () => {
  mkdirSync(join(scan, 'web/supervise'));
  writeFileSync(join(scan, 'web/supervise/status'), Buffer.alloc(18));
  const r = fortress(['status', scan, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; state: string; pid: number | null; normally: string }[];
  assert.deepEqual(
    list.map((s) => [s.name, s.state, s.pid, s.normally]),
    [
      ['clock', 'unsupervised', null, 'down'],
      ['web', 'unsupervised', null, 'up'],
      ['web/log', 'unsupervised', null, 'up'],
    ],
  );
  const table = fortress(['status', scan]);
  assert.match(table.stdout, /^clock\s+unsupervised\s+-\s+-\s+-\s+-\s+-$/m);
});

test('status: a supervise/ the caller may not enter is unknown, with the reason, not "unsupervised"', () => {
  const locked = join(dir, 'locked');
  mkdirSync(join(locked, 'svc/supervise'), { recursive: true });
  execFileSync('mkfifo', [join(locked, 'svc/supervise/ok')]);
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  chmodSync(join(locked, 'svc/supervise'), asRoot ? 0o700 : 0o000);
  const r = asRoot
    ? spawnSync(
        'setpriv',
        ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, FORTRESS, 'status', locked, '--json'],
        {
          encoding: 'utf8',
        },
      )
    : fortress(['status', locked, '--json']);
  chmodSync(join(locked, 'svc/supervise'), 0o700);
  assert.equal(r.status, 0, r.stderr);
  const [svc] = JSON.parse(r.stdout) as { state: string; error: string; errorCode: string }[];
  assert.equal(svc?.state, 'unknown');
  assert.equal(svc?.error, 'unable to open supervise/ok: access denied');
  assert.equal(svc?.errorCode, 'EACCES');
});

test('status: a missing scan directory is a temporary failure (111); bad usage 100', () => {
  const r = fortress(['status', join(dir, 'absent')]);
  assert.equal(r.status, 111);
  assert.match(r.stderr, /^fortress: fatal: unable to read .*absent: file does not exist\n$/);
  assert.equal(fortress(['status', scan, 'extra']).status, 100);
  assert.equal(fortress(['status', scan, '--interval', '0', '--watch']).status, 100);
});

test('status --watch redraws until SIGTERM, then exits 0', async () => {
  const child = spawn(process.execPath, [FORTRESS, 'status', scan, '--watch', '--interval', '0.2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor('two redraws', () => (out.split('SERVICE').length > 2 ? true : undefined));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(out, /^\d{4}-\d\d-\d\dT\S+Z {2}\S+service$/m);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('formatDuration', () => {
  assert.equal(formatDuration(5), '5s');
  assert.equal(formatDuration(65), '1m5s');
  assert.equal(formatDuration(3700), '1h1m');
  assert.equal(formatDuration(90000), '1d1h');
});
