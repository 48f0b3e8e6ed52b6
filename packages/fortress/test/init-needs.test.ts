// fortress init stops its tree as svscan does (the same Scanner): each service once every
// service that needs it is down. Run as an ordinary process (a subreaper, no sweep), the CMD's
// end starts the stop.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnGroup } from '@fortress/test-support/processes';
import { tempDir } from '@fortress/test-support/temp-dir';
import { FORTRESS } from './helpers.js';

test('fortress init: a chain and a diamond go down in reverse order of needs/ when the CMD ends', async () => {
  const dir = tempDir('init-needs');
  const scan = join(dir, 'service');
  const log = join(dir, 'events');
  writeFileSync(log, '');
  const needs: Record<string, string[]> = { db: [], cache: ['db'], api: ['db'], web: ['api', 'cache'], edge: ['web'] };
  for (const [name, needed] of Object.entries(needs)) {
    const svc = join(scan, name);
    mkdirSync(join(svc, 'needs'), { recursive: true });
    for (const n of needed) writeFileSync(join(svc, 'needs', n), '');
    writeFileSync(
      join(svc, 'run'),
      `#!/bin/sh\ntrap 'echo "stop ${name}" >> ${log}; exit 0' TERM\necho "start ${name}" >> ${log}\nsleep 100000 &\nwait\n`,
      { mode: 0o755 },
    );
  }
  // The CMD: wait until all five run, then exit 3 (init's exit code).
  const cmd = `until [ "$(grep -c start ${log})" = 5 ]; do sleep 0.05; done; exit 3`;
  const init = spawnGroup([process.execPath, FORTRESS, 'init', scan, '--', 'sh', '-c', cmd], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FORTRESS_CMD_WAIT_FOR_SERVICES_MAXTIME: '0' },
  });
  let stderr = '';
  init.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => init.on('exit', (c) => resolve(c)));
  assert.equal(code, 3, stderr);
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const at = (line: string): number => {
    const i = lines.indexOf(line);
    assert.notEqual(i, -1, `${line} missing: ${lines.join(', ')}`);
    return i;
  };
  for (const [name, needed] of Object.entries(needs)) {
    for (const n of needed) {
      assert.ok(at(`start ${n}`) < at(`start ${name}`), `${n} starts before ${name}: ${lines.join(', ')}`);
      assert.ok(at(`stop ${name}`) < at(`stop ${n}`), `${name} stops before ${n}: ${lines.join(', ')}`);
    }
  }
});
