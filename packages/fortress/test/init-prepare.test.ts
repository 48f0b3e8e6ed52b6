// fortress init --prepare SCANDIR: the state links of a read-only scan directory, and svscan
// (separate supervise processes, no init) running a prepared tree: supervise makes the dangling
// links' targets (supervise/, event/), svscan's log FIFO goes into the linked supervise/.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIFODIR_MODE } from '@fortress/core/fifodir';
import { REPO } from '@fortress/test-support/paths';
import { spawnGroup } from '@fortress/test-support/processes';
import { makeService, writeScript } from '@fortress/test-support/service';
import { tempDir } from '@fortress/test-support/temp-dir';
import { fortress, waitFor } from './helpers.js';

function prepare(scan: string, run: string | undefined) {
  const env = { ...process.env };
  delete env.FORTRESS_RUN;
  return fortress(['init', '--prepare', scan], run === undefined ? env : { ...env, FORTRESS_RUN: run });
}

test('--prepare links supervise and event of each service and log/ into FORTRESS_RUN, again and again', () => {
  const root = tempDir('prepare');
  const scan = join(root, 'service');
  const run = join(root, 'run');
  makeService(scan, 'a', 'exec sleep 1000');
  mkdirSync(join(scan, 'a', 'log'));
  makeService(scan, 'b', 'exec sleep 1000');
  // Left by a run at build time: replaced, since nothing supervises it now.
  mkdirSync(join(scan, 'b', 'supervise'));
  writeFileSync(join(scan, 'b', 'supervise', 'status'), '');
  // An old link elsewhere: replaced too. Dot-names and files are not services.
  symlinkSync('/elsewhere', join(scan, 'b', 'event'));
  mkdirSync(join(scan, '.hidden'));
  writeFileSync(join(scan, 'file'), '');
  const links = [
    ['a/supervise', 'a/supervise'],
    ['a/event', 'a/event'],
    ['a/log/supervise', 'a/log/supervise'],
    ['a/log/event', 'a/log/event'],
    ['b/supervise', 'b/supervise'],
    ['b/event', 'b/event'],
  ];
  const expected = links.map(([link, target]) => `${scan}/${link} -> ${run}/${target}\n`).join('');
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(prepare(scan, run), { status: 0, signal: null, stdout: expected, stderr: '' });
    for (const [link, target] of links) assert.equal(readlinkSync(join(scan, link!)), join(run, target!));
  }
  assert.deepEqual(readdirSync(join(scan, '.hidden')), []);
  // Nothing is made in the run directory at build time.
  assert.throws(() => statSync(run), { code: 'ENOENT' });
  // The default run directory.
  assert.match(prepare(scan, undefined).stdout, new RegExp(`^${scan}/a/supervise -> /run/fortress/a/supervise$`, 'm'));
});

test('--prepare: a file in the way is fatal (111); a relative FORTRESS_RUN or no SCANDIR is a usage error (100)', () => {
  const root = tempDir('prepare-bad');
  const scan = join(root, 'service');
  makeService(scan, 'a', 'exec sleep 1000');
  writeFileSync(join(scan, 'a', 'event'), '');
  const run = join(root, 'run');
  assert.deepEqual(prepare(scan, run), {
    status: 111,
    signal: null,
    stdout: `${scan}/a/supervise -> ${run}/a/supervise\n`,
    stderr: `fortress: fatal: unable to link ${scan}/a/event to ${run}/a/event: file already exists\n`,
  });
  assert.equal(lstatSync(join(scan, 'a', 'event')).isFile(), true);
  const relative = prepare(scan, 'run/fortress');
  assert.equal(relative.status, 100);
  assert.match(relative.stderr, /^fortress: FORTRESS_RUN: expected an absolute path, got run\/fortress\n/);
  const none = fortress(['init', '--prepare']);
  assert.equal(none.status, 100);
  assert.match(none.stderr, /^fortress: --prepare takes one scan directory\n/);
});

test('svscan on a prepared tree: supervise makes the linked supervise/ and event/, the log FIFO lives there', async () => {
  const root = tempDir('prepared-svscan');
  const scan = join(root, 'service');
  const run = join(root, 'run');
  makeService(scan, 'a', 'echo hello; exec sleep 1000');
  mkdirSync(join(scan, 'a', 'log'));
  writeScript(join(scan, 'a', 'log', 'run'), `exec cat > ${root}/logged`);
  assert.equal(prepare(scan, run).status, 0);
  const svscan = spawnGroup([process.execPath, join(REPO, 'packages/svscan/bin/svscan.js'), scan], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  svscan.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const exited = new Promise((resolve) => svscan.on('exit', resolve));
  await waitFor('the line through the linked log FIFO', () => {
    try {
      return readdirSync(root).includes('logged') && statSync(join(root, 'logged')).size > 0;
    } catch {
      return false;
    }
  });
  for (const dir of ['a', 'a/log']) {
    assert.equal(statSync(join(run, dir, 'event')).mode & 0o7777, FIFODIR_MODE, `${dir}/event`);
    assert.equal(statSync(join(run, dir, 'supervise')).mode & 0o7777, 0o700, `${dir}/supervise`);
    assert.ok(statSync(join(run, dir, 'supervise', 'status')).size === 18, `${dir}/supervise/status`);
  }
  assert.equal(lstatSync(join(run, 'a', 'supervise', 'log.fifo')).isFIFO(), true);
  assert.equal(lstatSync(join(scan, 'a', 'supervise')).isSymbolicLink(), true);
  svscan.kill('SIGTERM');
  await exited;
  assert.doesNotMatch(stderr, /warning/);
});
