// Which directory the dashboard tails: the last `./DIR` of log/run's multilog line, whether it
// runs multilog or multilog-attach (the log host, issue 19).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { logDirOf } from '@fortress/fortress/dashboard/log-tail';
import { tempDir } from '@fortress/test-support/temp-dir';

test('logDirOf reads multilog and multilog-attach lines alike', () => {
  const root = tempDir('log-tail');
  const cases: [string, string][] = [
    ['exec setuidgid log multilog t ./main', 'main'],
    ['exec setuidgid log multilog-attach t ./other', 'other'],
    ['exec multilog-attach t s4096 ./a ./b', 'b'],
    ['exec svlogd -t ./ignored', 'main'],
  ];
  cases.forEach(([line, dir], i) => {
    const service = join(root, `s${i}`);
    mkdirSync(join(service, 'log'), { recursive: true });
    writeFileSync(join(service, 'log', 'run'), `#!/bin/sh\n${line}\n`);
    assert.equal(logDirOf(service), join(service, 'log', dir), line);
  });
});
