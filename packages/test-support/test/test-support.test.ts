// The shared helpers themselves: what every package's tests rely on them for.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { killQuietly, pidsUnder } from '@fortress/test-support/processes';
import { run, runChecked, runSync, runSyncBytes } from '@fortress/test-support/run';
import { makeService } from '@fortress/test-support/service';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';

let leftDir = '';
let leftPid = 0;
test('tempDir: a 0755 directory; a process left working in it is still there at the end of the test', async () => {
  leftDir = tempDir('self');
  assert.equal(statSync(leftDir).mode & 0o777, 0o755);
  const child = spawn('sleep', ['1000'], { cwd: leftDir, stdio: 'ignore' });
  child.unref();
  leftPid = child.pid ?? 0;
  await waitFor('the sleep in the directory', () => pidsUnder(leftDir).includes(leftPid));
});

test('tempDir: after that test, the directory is gone and the process killed', async () => {
  assert.equal(existsSync(leftDir), false);
  await waitFor(
    'the sleep to be gone',
    () => {
      try {
        return readFileSync(`/proc/${leftPid}/stat`, 'latin1').includes(') Z');
      } catch {
        return true;
      }
    },
    5000,
  );
  killQuietly(leftPid);
});

test('run: exact environment, output byte for byte, exit code and signal, stdin from input', async () => {
  const r = await run(['/bin/sh', '-c', 'cat; printf "%s\\n" "$A"; env | grep -c . >&2; exit 3'], {
    env: { A: 'x' },
    input: 'in\n',
  });
  // sh itself exports PWD: A and PWD are the whole environment.
  assert.deepEqual([r.code, r.signal, r.stdout, r.stderr], [3, null, 'in\nx\n', '2\n']);
  assert.ok(r.pid > 0);
  const killed = await run(['/bin/sh', '-c', 'kill -TERM $$']);
  assert.deepEqual([killed.code, killed.signal], [null, 'SIGTERM']);
  assert.deepEqual(runSync(['/bin/sh', '-c', 'echo sync']).stdout, 'sync\n');
  assert.deepEqual(runSyncBytes(['/bin/sh', '-c', 'printf "\\377"']).stdout, Buffer.from([0xff]));
  await assert.rejects(runChecked(['/bin/sh', '-c', 'echo bad >&2; exit 1']), /exit 1: bad/);
  await assert.rejects(run(['/nonexistent/program']), /ENOENT/);
});

test('run: a program past its deadline is killed', async () => {
  const r = await run(['sleep', '1000'], { timeoutMs: 200 });
  assert.equal(r.signal, 'SIGKILL');
});

test('makeService: ./run is an executable sh script, extra files beside it', () => {
  const root = tempDir('self');
  assert.equal(existsSync(join(makeService(root, 'norun', undefined), 'run')), false);
  const dir = makeService(root, 'svc', 'exec sleep 1', { down: '' });
  assert.equal(readFileSync(join(dir, 'run'), 'utf8'), '#!/bin/sh\nexec sleep 1\n');
  assert.equal(statSync(join(dir, 'run')).mode & 0o111, 0o111);
  assert.equal(existsSync(join(dir, 'down')), true);
});
