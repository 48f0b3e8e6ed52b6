// Interoperation with Debian's daemontools: the lock both ways, their svc and svstat driving ours,
// and our status file byte-identical to theirs for the same states (apart from time and pid).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { debianSvc, debianSvstat, makeService, readStatusBytes, superviseLab, waitFor } from './helpers.js';

const { tmp, supervise } = superviseLab();

const DEBIAN = ['/usr/bin/supervise'];

const okFifo = (dir: string) => spawnSync('/usr/bin/svok', [dir]).status === 0;

/** The status with time zeroed and the pid reduced to up (1) / down (0). */
function masked(dir: string): string {
  const b = Buffer.from(readStatusBytes(dir));
  assert.equal(b.length, 18);
  const up = b.readUInt32LE(12) !== 0 ? 1 : 0;
  b.fill(0, 0, 12);
  b.writeUInt32LE(up, 12);
  return b.toString('hex');
}

test('lock: ours refuses a directory Debian supervise holds, and Debian refuses ours', async () => {
  const a = makeService(tmp, 'lock-a', 'exec sleep 1000');
  const theirs = supervise(a, DEBIAN);
  await waitFor('debian up', () => okFifo(a));
  const ours = spawnSync(process.execPath, [join(import.meta.dirname, '../bin/supervise.js'), a], {
    encoding: 'utf8',
    timeout: 20000,
  });
  assert.equal(ours.status, 111);
  assert.equal(ours.stderr, `supervise: fatal: unable to acquire ${a}/supervise/lock: temporary failure\n`);
  debianSvc(['-dx', a]);
  await theirs.exit;

  const b = makeService(tmp, 'lock-b', 'exec sleep 1000');
  const mine = supervise(b);
  await waitFor('ours up', () => okFifo(b));
  const deb = spawnSync('/usr/bin/supervise', [b], { encoding: 'utf8', timeout: 20000 });
  assert.equal(deb.status, 111);
  assert.equal(deb.stderr, `supervise: fatal: unable to acquire ${b}/supervise/lock: temporary failure\n`);
  debianSvc(['-dx', b]);
  assert.deepEqual(await mine.exit, { code: 0, signal: null });
});

test("Debian's svc and svstat drive and read ours; status bytes identical to Debian supervise's", async () => {
  const ours = makeService(tmp, 'same-ours', 'exec sleep 1000');
  const theirs = makeService(tmp, 'same-theirs', 'exec sleep 1000');
  const s1 = supervise(ours);
  const s2 = supervise(theirs, DEBIAN);
  const pidOf = (svstat: string) => / up \(pid (\d+)\)/.exec(svstat)?.[1];
  const both = async (
    what: string,
    pred: (svstat: string) => boolean,
    pidsBefore?: Map<string, string | undefined>,
  ) => {
    for (const d of [ours, theirs]) {
      // After k, wait for the new ./run: the old pid is still shown until supervise acts.
      const stale = (t: string) => pidsBefore !== undefined && pidOf(t) === pidsBefore.get(d);
      await waitFor(`${what} (${d})`, () => {
        const t = debianSvstat(d);
        return pred(t) && !stale(t);
      });
    }
    assert.equal(masked(ours), masked(theirs), what);
  };
  const cases: [string, string, (t: string) => boolean][] = [
    ['up', '', (t) => / up \(pid \d+\) \d+ seconds\n$/.test(t)],
    ['paused', '-p', (t) => t.endsWith(', paused\n')],
    ['continued', '-c', (t) => / up \(pid \d+\) \d+ seconds\n$/.test(t)],
    ['down', '-d', (t) => / down \d+ seconds, normally up\n$/.test(t)],
    ['once (want nothing)', '-o', (t) => / up \(pid \d+\) \d+ seconds\n$/.test(t)],
    ['want down while up', '-d', (t) => / down \d+ seconds, normally up\n$/.test(t)],
    ['up again', '-u', (t) => / up \(pid \d+\) \d+ seconds\n$/.test(t)],
    ['killed, restarted', '-k', (t) => / up \(pid \d+\) \d+ seconds\n$/.test(t)],
  ];
  for (const [what, letters, pred] of cases) {
    // Debian's supervise is deaf for a second after each start: the byte waits in the FIFO.
    const pidsBefore = letters === '-k' ? new Map([ours, theirs].map((d) => [d, pidOf(debianSvstat(d))])) : undefined;
    if (letters) debianSvc([letters, ours, theirs]);
    await both(what, pred, pidsBefore);
  }
  // svc -x alone does not stop either; -dx does.
  debianSvc(['-dx', ours, theirs]);
  assert.deepEqual(await s1.exit, { code: 0, signal: null });
  await s2.exit;
  assert.equal(masked(ours), masked(theirs), 'after dx');
});

test('down file: status bytes identical to Debian supervise (want d, pid 0)', async () => {
  const ours = makeService(tmp, 'down-ours', 'exec sleep 1000', { down: '' });
  const theirs = makeService(tmp, 'down-theirs', 'exec sleep 1000', { down: '' });
  const s1 = supervise(ours);
  const s2 = supervise(theirs, DEBIAN);
  for (const d of [ours, theirs]) await waitFor('down', () => / down \d+ seconds\n$/.test(debianSvstat(d)));
  assert.equal(masked(ours), masked(theirs));
  assert.equal(masked(ours).slice(-4), '0064');
  debianSvc(['-x', ours, theirs]);
  assert.deepEqual(await s1.exit, { code: 0, signal: null });
  await s2.exit;
});
