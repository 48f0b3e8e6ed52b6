import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { debian, isRoot, ours, run } from './helpers.js';

const dir = tempDir('envfile');

test('envfile sets, replaces and passes the variables on; the child sees them exactly', async () => {
  const file = join(dir, 'service.env');
  writeFileSync(file, '# settings\nexport PORT=8080\nNAME="my service"\nEMPTY=\nKEEP=new\n');
  const out = await run(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
    ours('envfile', file, 'sh', '-c', 'printf "%s|%s|%s|%s|%s\\n" "$PORT" "$NAME" "${EMPTY-unset}" "$KEEP" "$OTHER"'),
    {
      env: { PATH: '/usr/bin:/bin', KEEP: 'old', OTHER: 'inherited' },
    },
  );
  assert.deepEqual([out.code, out.stdout, out.stderr], [0, '8080|my service||new|inherited\n', '']);
});

test('envfile re-reads the file on every start', async () => {
  const file = join(dir, 'changing.env');
  writeFileSync(file, 'V=1\n');
  const first = await run(ours('envfile', file, 'sh', '-c', 'echo $V'));
  writeFileSync(file, 'V=2\n');
  const second = await run(ours('envfile', file, 'sh', '-c', 'echo $V'));
  assert.deepEqual([first.stdout, second.stdout], ['1\n', '2\n']);
});

test('envfile errors: usage 100, unreadable 111, syntax 100 with the line, missing program 111', async () => {
  const bad = join(dir, 'bad.env');
  writeFileSync(bad, 'OK=1\nthis is not an assignment\n');
  const cases: [string[], number, string][] = [
    [ours('envfile'), 100, 'envfile: usage: envfile file child\n'],
    [ours('envfile', bad), 100, 'envfile: usage: envfile file child\n'],
    [
      ours('envfile', join(dir, 'missing.env'), 'true'),
      111,
      `envfile: fatal: unable to read ${join(dir, 'missing.env')}: file does not exist\n`,
    ],
    [ours('envfile', dir, 'true'), 111, `envfile: fatal: unable to read ${dir}: is a directory\n`],
    [ours('envfile', bad, 'true'), 100, `envfile: fatal: unable to parse ${bad}: line 2: missing =\n`],
    [
      ours('envfile', join(dir, 'service.env'), '/nonexistent/program'),
      111,
      'envfile: fatal: unable to run /nonexistent/program: file does not exist\n',
    ],
  ];
  for (const [argv, code, stderr] of cases) {
    const out = await run(argv);
    assert.deepEqual([out.code, out.stdout, out.stderr], [code, '', stderr], argv.join(' '));
  }
});

test('envfile: an unreadable file is access denied', { skip: !isRoot && 'needs root' }, async () => {
  const secret = join(dir, 'secret.env');
  writeFileSync(secret, 'A=1\n');
  chmodSync(secret, 0o600);
  const out = await run(debian('setuidgid', 'nobody', ...ours('envfile', secret, 'true')));
  assert.deepEqual([out.code, out.stderr], [111, `envfile: fatal: unable to read ${secret}: access denied\n`]);
});

test("pgrphack: the exec'd program leads a new session and process group", async () => {
  const out = await run(ours('pgrphack', 'sh', '-c', 'echo $$; ps -o pgid= -o sid= -p $$'));
  const [pid, pgid, sid] = out.stdout.trim().split(/\s+/).map(Number);
  assert.deepEqual([pid, pgid, sid], [out.pid, out.pid, out.pid]);
});
