// Start-up failures: the same message and exit code as Debian's dnscache, in the same order.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { account, DEBIAN_DNSCACHE, Lab, OUR_DNSCACHE } from './lab.js';

const lab = new Lab();
after(() => lab.cleanup());

function run(program: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const file = program === DEBIAN_DNSCACHE ? program : process.execPath;
  const args = program === DEBIAN_DNSCACHE ? [] : [program];
  const r = spawnSync(file, args, { env, input: '', encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stderr: r.stderr };
}

const { uid, gid } = account('dnscache');
const root = lab.cacheRoot('ok', ['127'], { '@': ['127.53.8.1'] });
const noServers = join(lab.dir, 'noservers');
mkdirSync(join(noServers, 'ip'), { recursive: true });
const full = { IP: '127.53.8.2', IPSEND: '0.0.0.0', CACHESIZE: '1000', ROOT: root, UID: String(uid), GID: String(gid) };
function without(...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(full).filter(([k]) => !names.includes(k)));
}

const CASES: [string, Record<string, string>, string][] = [
  ['no $IP', without('IP'), 'dnscache: fatal: $IP not set\n'],
  ['a bad $IP', { ...full, IP: 'nonsense' }, 'dnscache: fatal: unable to parse IP address nonsense\n'],
  [
    'an address not here',
    { ...full, IP: '192.0.2.1' },
    'dnscache: fatal: unable to bind UDP socket: address not available\n',
  ],
  ['no $ROOT', { ...without('ROOT'), IP: '127.53.8.3' }, 'dnscache: fatal: $ROOT not set\n'],
  [
    'a missing $ROOT',
    { ...full, IP: '127.53.8.4', ROOT: '/nonexistent-dnscache-root' },
    'dnscache: fatal: unable to chdir to /nonexistent-dnscache-root: file does not exist\n',
  ],
  ['no $GID', { ...without('GID'), IP: '127.53.8.5' }, 'dnscache: fatal: $GID not set\n'],
  ['no $UID', { ...without('UID'), IP: '127.53.8.6' }, 'dnscache: fatal: $UID not set\n'],
  ['no $IPSEND', { ...without('IPSEND'), IP: '127.53.8.7' }, 'dnscache: fatal: $IPSEND not set\n'],
  ['a bad $IPSEND', { ...full, IP: '127.53.8.8', IPSEND: 'x' }, 'dnscache: fatal: unable to parse IP address x\n'],
  ['no $CACHESIZE', { ...without('CACHESIZE'), IP: '127.53.8.9' }, 'dnscache: fatal: $CACHESIZE not set\n'],
  [
    'no servers/',
    { ...full, IP: '127.53.8.10', ROOT: noServers },
    'dnscache: fatal: unable to read servers: file does not exist\n',
  ],
];

for (const [what, env, message] of CASES) {
  test(`start-up with ${what}: the original's message, exit 111`, () => {
    const theirs = run(DEBIAN_DNSCACHE, env);
    const ours = run(OUR_DNSCACHE, env);
    assert.deepEqual(theirs, { status: 111, stderr: message });
    assert.deepEqual(ours, { status: 111, stderr: message });
  });
}
