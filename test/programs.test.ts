// Every program of every package (each name in a package.json "bin" map), through its bin shim:
// an unexpected error is one line and exit 111 (issue 16), `--help` alone is the usage on stdout
// and exit 0 without reading stdin (issue 18), and the shims are the template's (scripts/shims.js).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const REPO = join(import.meta.dirname, '../..');
const PROGRAMS = readdirSync(join(REPO, 'packages'))
  .sort()
  .flatMap((pkg) => {
    const bin: Record<string, string> =
      JSON.parse(readFileSync(join(REPO, 'packages', pkg, 'package.json'), 'utf8')).bin ?? {};
    // Node programs only: multilog-attach is a C program (its --help: packages/multilog/test/host.test.ts).
    return Object.entries(bin)
      .filter(([, file]) => file.endsWith('.js'))
      .map(([name, file]) => ({ name, shim: join(REPO, 'packages', pkg, file) }));
  });

// Preloaded with --import: sets the global core's program() honours (never an environment
// variable: no user can set it by accident).
const hook = (value: string) => `data:text/javascript,globalThis[Symbol.for("fortress.test.throw")]=${value}`;

interface Outcome {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with stdin left open (a program that reads it would wait), with a deadline. */
function run(nodeArgs: string[], args: string[], deadlineMs = 60_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')}: still running after ${deadlineMs} ms`));
    }, deadlineMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ status, signal, stdout, stderr });
    });
  });
}

test('every program of the suite is found', () => {
  assert.deepEqual(PROGRAMS.map((p) => p.name).sort(), [
    ...['dnscache', 'envdir', 'envfile', 'envuidgid', 'fghack', 'fortress', 'multilog', 'multilog-host'],
    ...['permafailon'],
    ...['pgrphack', 'readproctitle', 'setlock', 'setuidgid', 'softlimit', 'supervise', 'svc', 'svdt'],
    ...['svok', 'svscan', 'svscanboot', 'svstat', 'svwait', 'tai64n', 'tai64nlocal', 'tcpclient'],
    ...['tcprules', 'tcprulescheck', 'tcpserver'],
  ]);
});

for (const { name, shim } of PROGRAMS) {
  test(`${name}: an unexpected error at its start is one line and exit 111`, async () => {
    assert.deepEqual(await run(['--import', hook('true'), shim], ['arg']), {
      status: 111,
      signal: null,
      stdout: '',
      stderr: `${name}: fatal: internal error: deliberate failure (test)\n`,
    });
  });

  test(`${name}: --help prints its usage on stdout and exits 0`, async () => {
    const r = await run([shim], ['--help']);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^usage: ${name} [^\\n]+\\n$`));
  });
}

// The error comes from a timer while the program serves (svscan in one-process mode, so no
// child outlives it): the process-wide handler reports it.
test('svscan: an unexpected error while it runs is one line and exit 111', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fortress-programs-'));
  try {
    const { shim } = PROGRAMS.find((p) => p.name === 'svscan')!;
    assert.deepEqual(await run(['--import', hook('"later"'), shim], ['-1', '-q', dir]), {
      status: 111,
      signal: null,
      stdout: '',
      stderr: 'svscan: fatal: internal error: deliberate failure (test, later)\n',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every bin shim is the one scripts/shims.js makes from its template', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts/shims.js'), '--check'], { encoding: 'utf8' });
  assert.deepEqual([r.status, r.stderr], [0, '']);
});

test('a shim under Node older than 24 says so and exits 100', { skip: !existsSync('/usr/bin/node') }, () => {
  const old = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (Number(old.slice(1).split('.')[0]) >= 24) return;
  for (const { name, shim } of PROGRAMS) {
    const r = spawnSync('/usr/bin/node', [shim, '--help'], { encoding: 'utf8' });
    assert.deepEqual(
      [r.status, r.stdout, r.stderr],
      [
        100,
        '',
        `${name}: fatal: Node ${old} is too old: fortress needs Node 24 (put node_modules/.bin first on PATH)\n`,
      ],
    );
  }
});
