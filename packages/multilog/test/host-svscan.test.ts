// Loggers of a real svscan tree sharing one log host (log/run: `exec multilog-attach t ./main`):
// each logger is its own service to svscan; killing one logger's client, or the whole host, while
// the services write, loses no line (what was not written stays in the log pipe for the next).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO } from '@fortress/test-support/paths';
import { killQuietly } from '@fortress/test-support/processes';
import { makeService, writeScript } from '@fortress/test-support/service';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { nodeCommand } from './fixtures.js';
import { ATTACH, hostEnv, hostName, hostPids, killHostsAfter, loggedLines } from './host-helpers.js';

const SVSCAN = join(REPO, 'packages/svscan/bin/svscan.js');
const ATTACH_EXE = join(REPO, 'packages/multilog/build/multilog-attach');
const SERVICES = 3;
const LINES = 4000;

/** A service writing `NAME-%06d` lines, 5 every 20 milliseconds (for 16 s or more), then idling. */
function writer(name: string): string {
  return nodeCommand(`
    const { writeSync } = require('node:fs');
    let i = 0;
    const tick = () => {
      let batch = '';
      for (let k = 0; k < 5 && i < ${LINES}; k++, i++) batch += '${name}-' + String(i).padStart(6, '0') + '\\n';
      const buf = Buffer.from(batch);
      for (let off = 0; off < buf.length; ) off += writeSync(1, buf, off);
      if (i < ${LINES}) setTimeout(tick, 20); else setInterval(() => {}, 1e9);
    };
    tick();`);
}

/** The multilog-attach process serving `logDir`. */
function attachPid(logDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) === ATTACH_EXE && readlinkSync(`/proc/${entry}/cwd`) === logDir) {
        return Number(entry);
      }
    } catch {
      // gone
    }
  }
  return undefined;
}

for (const mode of [[], ['-1']]) {
  test(`svscan ${mode.join(' ') || '(per-process)'}: kill -9 of one logger's client and of the host while services write loses no line`, async (t) => {
    const root = tempDir('loghost-svscan');
    const name = hostName('svscan');
    killHostsAfter(name);
    const scan = join(root, 'scan');
    mkdirSync(scan);
    const logDirs: string[] = [];
    for (let i = 0; i < SERVICES; i++) {
      const dir = makeService(root, `svc${i}`, `exec ${writer(`svc${i}`)}`);
      mkdirSync(join(dir, 'log'));
      writeScript(join(dir, 'log', 'run'), `exec ${ATTACH} t ./main`);
      symlinkSync(dir, join(scan, `svc${i}`));
      logDirs.push(join(dir, 'log'));
    }
    const svscan = spawn(process.execPath, [SVSCAN, ...mode, scan], {
      cwd: root,
      env: hostEnv(name),
      stdio: 'ignore',
      detached: true,
    });
    after(() => killQuietly(-(svscan.pid ?? 0)));
    const count = (i: number): number => {
      try {
        return loggedLines(join(logDirs[i]!, 'main')).length;
      } catch {
        return 0;
      }
    };
    await waitFor('every logger writing', () => logDirs.every((_, i) => count(i) >= 300));
    assert.equal(hostPids(name).length, 1, 'one host for the three loggers');
    const victim = attachPid(logDirs[0]!);
    assert.ok(victim, 'the first logger runs multilog-attach');
    const before0 = count(0);
    killQuietly(victim);
    await waitFor('the first logger restarted and writing', () => {
      const pid = attachPid(logDirs[0]!);
      return pid !== undefined && pid !== victim && count(0) > before0 + 100;
    });
    for (let round = 0; round < 2; round++) {
      const [host] = hostPids(name);
      const before = logDirs.map((_, i) => count(i));
      killQuietly(host!);
      await waitFor('a new host, every logger writing again', () => {
        const hosts = hostPids(name);
        return (
          hosts.length === 1 &&
          hosts[0] !== host &&
          logDirs.every((_, i) => count(i) > before[i]! + 50 || count(i) >= LINES)
        );
      });
    }
    await waitFor('every line logged', () => logDirs.every((_, i) => count(i) >= LINES), 120_000);
    let duplicates = 0;
    for (let i = 0; i < SERVICES; i++) {
      const lines = loggedLines(join(logDirs[i]!, 'main'));
      const distinct = new Set(lines);
      duplicates += lines.length - distinct.size;
      const missing = [...Array(LINES).keys()]
        .map((k) => `svc${i}-${String(k).padStart(6, '0')}`)
        .filter((line) => !distinct.has(line));
      assert.deepEqual(missing, [], `svc${i}: lines lost`);
      assert.equal(distinct.size, LINES, `svc${i}: only whole lines of its own`);
    }
    t.diagnostic(`${SERVICES * LINES} lines, 0 lost, ${duplicates} written twice (a kill between write and take)`);
  });
}
