// One default scan directory everywhere (issue 18): /service, daemontools' own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadManifest } from '@fortress/fortress/conf/manifest';
import { DEFAULT_SCAN_DIR } from '@fortress/fortress/install/boot-files';
import { REPO } from '@fortress/test-support/paths';
import { BIN, fortress } from './helpers.js';

const env = { PATH: `${BIN}:/usr/bin:/bin` };

test('fortress status, the fingerd template, svscanboot, install and the contrib unit all default to /service', () => {
  assert.equal(DEFAULT_SCAN_DIR, '/service');
  assert.equal(loadManifest('fingerd', {})?.variables['SCANDIR'], '/service');
  const dry = fortress(['install', '--prefix', '/nonexistent/fortress-prefix', '--init', 'systemd', '--dry-run'], env);
  assert.match(dry.stdout, /systemd unit: ExecStart=\/nonexistent\/fortress-prefix\/bin\/svscanboot -1 \/service\)$/m);
  assert.match(
    readFileSync(join(REPO, 'packages/svscan/contrib/svscan.service'), 'utf8'),
    /^ExecStart=\S+ -1 \/service$/m,
  );
  if (existsSync('/service')) return;
  // Without a /service on this machine, each says which directory it looked for.
  const status = fortress(['status'], env);
  assert.equal(status.status, 111);
  assert.match(status.stderr, /^fortress: fatal: unable to read \/service: file does not exist\n$/);
  const boot = spawnSync('svscanboot', [], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(boot.status, 111);
  assert.match(boot.stderr, /unable to chdir to \/service: file does not exist/);
});
