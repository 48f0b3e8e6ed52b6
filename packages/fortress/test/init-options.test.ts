// fortress init's command line and grace times, and its line prefixer over a real pipe.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FortressError } from '@fortress/core/errors';
import { pipe2 } from '@fortress/core/libc';
import { MAX_LINE, prefixLines } from '@fortress/fortress/init/line-prefixer';
import { GRACE_DEFAULTS, parseInitOptions } from '@fortress/fortress/init/options';
import { fortress, waitFor } from './helpers.js';

test('SCANDIR, -- and CMD, and the grace times from the environment', () => {
  assert.deepEqual(parseInitOptions(['-q', '/service', '--', 'node', '-e', '1'], { FORTRESS_KILL_GRACETIME: '250' }), {
    scanDir: '/service',
    command: ['node', '-e', '1'],
    quiet: true,
    json: false,
    commandGraceMs: GRACE_DEFAULTS.FORTRESS_CMD_GRACETIME,
    servicesGraceMs: GRACE_DEFAULTS.FORTRESS_SERVICES_GRACETIME,
    killGraceMs: 250,
    commandWaitMs: GRACE_DEFAULTS.FORTRESS_CMD_WAIT_FOR_SERVICES_MAXTIME,
  });
  assert.equal(parseInitOptions(['/service'], {}).command, undefined);
  assert.equal(parseInitOptions(['/service', '--'], {}).command, undefined);
  assert.equal(parseInitOptions(['-j', 'svc'], {}).scanDir, join(process.cwd(), 'svc'));
  const sum =
    Object.values(GRACE_DEFAULTS).reduce((a, b) => a + b, 0) - GRACE_DEFAULTS.FORTRESS_CMD_WAIT_FOR_SERVICES_MAXTIME;
  assert.ok(sum < 30_000, `the default stop (${sum} ms) fits Kubernetes' 30 s`);
});

test('usage errors: no scan directory, an unknown option, a grace time that is not milliseconds', () => {
  for (const [argv, env] of [
    [[], {}],
    [['-x', '/service'], {}],
    [['/service'], { FORTRESS_KILL_GRACETIME: '3s' }],
  ] as const) {
    assert.throws(
      () => parseInitOptions(argv, env),
      (err: unknown) => err instanceof FortressError && err.exitCode === 100,
    );
  }
  const run = fortress(['init'], { ...process.env, FORTRESS_KILL_GRACETIME: '3s' });
  assert.equal(run.status, 100);
  assert.equal(
    run.stderr,
    'fortress: a scan directory is expected\nfortress: usage: fortress init [-q] [-j] SCANDIR [-- CMD ARGS...] | init --prepare SCANDIR\n',
  );
  const bad = fortress(['init', '/service'], { ...process.env, FORTRESS_KILL_GRACETIME: '3s' });
  assert.equal(bad.status, 100);
  assert.match(bad.stderr, /^fortress: FORTRESS_KILL_GRACETIME: expected milliseconds, got 3s\n/);
});

test('the prefixer writes whole lines with NAME: , joins pieces, cuts long lines, flushes at EOF', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fortress-prefix-'));
  const outPath = join(dir, 'out');
  const out = openSync(outPath, 'w');
  const [readFd, writeFd] = pipe2(0o2000000);
  prefixLines(readFd, 'web', out);
  // Another process writes (a long line does not fit the pipe: this thread must be free to read).
  const script = `const { writeSync } = require('node:fs');
writeSync(1, 'one\\ntw');
setTimeout(() => writeSync(1, 'o\\nthree\\n' + 'x'.repeat(${2 * MAX_LINE + 10}) + '\\nlast'), 100);`;
  const writer = spawn(process.execPath, ['-e', script], { stdio: ['ignore', writeFd, 'inherit'] });
  closeSync(writeFd);
  await new Promise((resolve) => writer.on('exit', resolve));
  await waitFor('the last line', () => readFileSync(outPath, 'utf8').endsWith('web: last\n'));
  const lines = readFileSync(outPath, 'utf8').split('\n');
  assert.deepEqual(lines.slice(0, 3), ['web: one', 'web: two', 'web: three']);
  assert.deepEqual(lines.slice(-2), ['web: last', '']);
  // The long line comes out in pieces (cut once MAX_LINE bytes wait at the end of a read; a
  // read is at most 64 KiB, so a line of twice that is cut), none of them lost.
  const pieces = lines.slice(3, -2);
  assert.ok(pieces.length >= 2 && pieces.every((l) => /^web: x+$/.test(l)), 'cut into prefixed pieces');
  assert.equal(pieces.map((l) => l.slice(5)).join(''), 'x'.repeat(2 * MAX_LINE + 10));
  closeSync(out);
});
