// fortress init with a scan directory it cannot write: the state links `fortress init --prepare`
// makes (SVCDIR/supervise -> RUN/NAME/supervise, event, log/supervise, log/event), a run
// directory on a tmpfs or owned by the unprivileged user, and the whole suite (init, supervise,
// multilog, svc, svwait, Debian's svstat and svok) as `nobody` inside a fresh PID namespace.
// Root only (unshare, mount, setpriv); skipped otherwise.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO } from '@fortress/test-support/paths';
import { fortress } from './helpers.js';
import { addService, killGroup, NOBODY, scanDir, skip, startInit } from './init-fixture.js';

const NODE = process.execPath;
const SVC = join(REPO, 'packages/svc/bin/svc.js');
const SVWAIT = join(REPO, 'packages/svc/bin/svwait.js');
const AS_NOBODY = ['/usr/bin/setpriv', '--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups'];

/** SCANDIR with `a` (a log/ writing to RUN/alog through multilog) and `b`, prepared for RUN. */
function preparedTree(run: string): { root: string; service: string } {
  const root = scanDir();
  chmodSync(root, 0o755);
  const service = join(root, 'service');
  const a = addService(root, 'a', 'echo hello from a; exec sleep 1000');
  mkdirSync(join(a, 'log'));
  writeFileSync(
    join(a, 'log', 'run'),
    `#!/bin/sh\nexec ${NODE} ${join(REPO, 'packages/multilog/bin/multilog.js')} ${run}/alog\n`,
  );
  chmodSync(join(a, 'log', 'run'), 0o755);
  addService(root, 'b', 'echo b says hi; exec sleep 1000');
  const prepared = fortress(['init', '--prepare', service], { ...process.env, FORTRESS_RUN: run });
  assert.equal(prepared.status, 0, prepared.stderr);
  return { root, service };
}

/** CMD: checks the tree from inside the namespace, printing what the test asserts on. */
function checkScript(root: string, service: string, run: string): string {
  const script = join(root, 'check.sh');
  writeFileSync(
    script,
    `#!/bin/sh
S=${service}
while ! /usr/bin/svok $S/a/log || ! /usr/bin/svok $S/b; do sleep 0.05; done
${NODE} ${SVWAIT} -u -T 20000 $S/a $S/a/log $S/b; echo "svwait $?"
while ! grep -q 'hello from a' ${run}/alog/current 2>/dev/null; do sleep 0.05; done
if touch $S/a/probe 2>/dev/null; then echo writable; else echo "not writable"; fi
echo "uid $(id -u)"
/usr/bin/svstat $S/a $S/a/log $S/b | sed 's/(pid [0-9]*) [0-9]* seconds/(pid P) N seconds/'
${NODE} ${SVC} -wD -T 20000 -d $S/b; echo "svc $?"
/usr/bin/svstat $S/b | sed 's/ [0-9]* seconds/ N seconds/'
sed 's/^@[0-9a-f]* //' ${run}/alog/current
`,
  );
  chmodSync(script, 0o755);
  return script;
}

function expectedReport(service: string, uid: number): string {
  return [
    'svwait 0',
    'not writable',
    `uid ${uid}`,
    `${service}/a: up (pid P) N seconds`,
    `${service}/a/log: up (pid P) N seconds`,
    `${service}/b: up (pid P) N seconds`,
    'svc 0',
    `${service}/b: down N seconds, normally up`,
    'hello from a',
    '',
  ].join('\n');
}

function entriesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('fortress init: a read-only scan directory', { skip, timeout: 120_000 }, () => {
  test('a read-only bind mount, state on a tmpfs run directory (root)', async () => {
    const run = join(scanDir(), 'run');
    mkdirSync(run);
    const { root, service } = preparedTree(run);
    const before = entriesBelow(service);
    const script = checkScript(root, service, run);
    // In the namespace's own mount namespace: SCANDIR read-only, RUN a fresh tmpfs.
    const mounts = [
      '/bin/sh',
      '-c',
      `mount --bind ${service} ${service} && mount -o remount,bind,ro ${service} && mount -t tmpfs tmpfs ${run} && exec "$@"`,
      'sh',
    ];
    const init = startInit(root, [script], {}, mounts);
    try {
      assert.equal(await init.exited, 0, init.stderr());
      assert.equal(init.stdout().replace(/^b: b says hi\n/m, ''), expectedReport(service, 0));
      assert.match(init.stdout(), /^b: b says hi$/m);
      assert.doesNotMatch(init.stderr(), /warning/);
      // Nothing was written into the service directories; the tmpfs went with the namespace.
      assert.deepEqual(entriesBelow(service), before);
      assert.deepEqual(readdirSync(run), []);
    } finally {
      killGroup(init.child);
    }
  });

  test('as nobody: a scan directory nobody may not write, a run directory of its own', async () => {
    const run = join(scanDir(), 'run');
    mkdirSync(run);
    chmodSync(join(run, '..'), 0o755);
    chownSync(run, NOBODY, NOBODY);
    const { root, service } = preparedTree(run);
    // Added after --prepare: no links, and nobody cannot make supervise/ there.
    addService(root, 'bare', 'exec sleep 1000');
    const script = checkScript(root, service, run);
    // bare never starts: CMD need not wait for it.
    const init = startInit(root, [script], { FORTRESS_CMD_WAIT_FOR_SERVICES_MAXTIME: '0' }, AS_NOBODY);
    try {
      assert.equal(await init.exited, 0, init.stderr());
      assert.equal(init.stdout().replace(/^b: b says hi\n/m, ''), expectedReport(service, NOBODY));
      assert.match(
        init.stderr(),
        new RegExp(
          `^fortress init: warning: ${service}/bare is not writable and has no supervise link: see fortress init --prepare$`,
          'm',
        ),
      );
      // The state is in RUN, owned by nobody; status as Debian's svstat read it.
      const status = JSON.parse(readFileSync(join(run, 'b', 'supervise', 'status.json'), 'utf8'));
      assert.equal(status.state, 'exited');
      assert.deepEqual(entriesBelow(join(run, 'a')), [
        'event',
        'log',
        'log/event',
        'log/supervise',
        ...['control', 'death_tally', 'lock', 'ok', 'run.id', 'status', 'status.json'].map((f) => `log/supervise/${f}`),
        'supervise',
        ...['control', 'death_tally', 'lock', 'log.fifo', 'ok', 'run.id', 'status', 'status.json'].map(
          (f) => `supervise/${f}`,
        ),
      ]);
    } finally {
      killGroup(init.child);
    }
  });
});
