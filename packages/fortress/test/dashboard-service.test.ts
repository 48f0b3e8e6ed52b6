// `fortress conf dashboard` (issue 15): the dashboard as a supervised service under our svscan,
// as its own account with one capability (read, never write), seen by `fortress audit` as ours.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { http, ScanFixture } from './dashboard-fixture.js';
import { FORTRESS, loopbackAddress, refused, waitFor } from './helpers.js';

const fx = new ScanFixture('dashboard-service', 2);
const ip = loopbackAddress();
const port = 20000 + Math.floor(Math.random() * 20000);
const host = `${ip}:${port}`;
const USER = 'ftestdash';
const LOG = 'ftestdashlog';
const created: string[] = [];
const service = fx.path('dashboard');

before(async () => {
  const r = execFileSync(
    process.execPath,
    [
      FORTRESS,
      'conf',
      'dashboard',
      service,
      '--ip',
      ip,
      '--port',
      String(port),
      '--user',
      USER,
      '--log-user',
      LOG,
    ].concat(['--set', `SCANDIR=${fx.scan}`]),
    { env: fx.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  assert.equal(r, `${service}\n`);
  created.push(USER, LOG);
  fx.names.push('dashboard');
  await fx.start();
});

after(async () => {
  await fx.stop();
  for (const name of created) {
    try {
      execFileSync('userdel', [name], { stdio: 'ignore', env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin' } });
    } catch {
      // in use or gone
    }
  }
});

function withoutSeconds(list: Record<string, unknown>[]): Record<string, unknown>[] {
  return list.map(({ seconds: _seconds, ...rest }) => rest);
}

test('the service runs the dashboard as its account, holding only CAP_DAC_READ_SEARCH', async () => {
  const run = readFileSync(join(service, 'run'), 'utf8');
  assert.match(run, new RegExp(`fortress dashboard ${fx.scan} --ip ${ip.replace(/\./g, '\\.')} --port ${port}\\n$`));
  const api = await waitFor('the dashboard answering', async () => {
    const reply = await http({ host: ip, port }, 'GET', '/api/services', { Host: host }).catch(() => undefined);
    return reply?.status === 200 ? (JSON.parse(reply.body) as Record<string, unknown>[]) : undefined;
  });
  const pid = fx.svstat([service])[0]?.pid;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uid = execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim();
  assert.match(status, new RegExp(`^Uid:\\t${uid}\\t${uid}\\t${uid}\\t${uid}$`, 'm'));
  // Bit 2 is CAP_DAC_READ_SEARCH: effective and bounding sets hold it and nothing else.
  assert.match(status, /^CapEff:\t0000000000000004$/m);
  assert.match(status, /^CapBnd:\t0000000000000004$/m);
  // What root's svstat --json says of every service, though supervise/ is root's and 0700.
  const dirs = ['dashboard', 'dashboard/log', 's01', 's01/log', 's02', 's02/log'].map((n) => fx.path(n));
  assert.deepEqual(withoutSeconds(api), withoutSeconds(fx.svstat(dirs)));
  assert.deepEqual(
    api.map((s) => s['state']),
    dirs.map(() => 'up'),
  );
  const control = await http(
    { host: ip, port },
    'POST',
    '/control',
    { Host: host },
    JSON.stringify({ service: 's01', command: 'down' }),
  );
  assert.equal(control.status, 403);
  assert.match(control.body, /control is off/);
});

test('fortress audit names the listener: its address, the account, the dashboard service', () => {
  // audit exits 1 when this machine has wildcard listeners: its verdict on others is not ours.
  const audit = spawnSync(process.execPath, [FORTRESS, 'audit', '--json'], { env: fx.env, encoding: 'utf8' });
  const report = JSON.parse(audit.stdout) as {
    sockets: { address: string; port: number; verdict: string; processes: { user: string; service: string }[] }[];
  };
  const socket = report.sockets.find((s) => s.address === ip && s.port === port);
  assert.ok(socket, 'the dashboard socket is listed');
  assert.equal(socket.verdict, 'loopback');
  assert.deepEqual(
    socket.processes.map((p) => [p.user, p.service]),
    [[USER, service]],
  );
});

test('the log names where it listens; svc -d stops it and the port closes', async () => {
  await waitFor('the start line in the log', () =>
    readFileSync(join(service, 'log/main/current'), 'utf8').includes(
      `fortress: dashboard of ${fx.scan} on http://${ip}:${port}/`,
    ),
  );
  fx.svc('-d', 'dashboard');
  await waitFor('dashboard down', () => fx.svstat([service])[0]?.state === 'down');
  assert.deepEqual({ ...(fx.svstat([service])[0]?.['lastExit'] as object), at: 0 }, { code: 0, signal: null, at: 0 });
  assert.equal(await refused(ip, port), true);
});
