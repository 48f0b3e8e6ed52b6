// fortress dashboard over HTTP, against a real scan directory under our svscan (issue 15):
// /api/services is svstat --json, /metrics is the exposition format, the Host header is checked
// on every request, control needs the token and a same-origin request, bad setups refuse to start.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { http, ScanFixture } from './dashboard-fixture.js';
import { FORTRESS, loopbackAddress, waitFor } from './helpers.js';

const fx = new ScanFixture('dashboard', 3);
const ip = loopbackAddress();
const port = 20000 + Math.floor(Math.random() * 20000);
const host = `${ip}:${port}`;
const target = { host: ip, port };
const TOKEN = 'a-test-token-0123456789abcdef';
const tokenFile = join(fx.dir, 'token');

before(async () => {
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  await fx.start();
  await fx.dashboard(['--ip', ip, '--port', String(port), '--control', tokenFile]);
});

after(() => fx.stop());

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [FORTRESS, ...args], { env: fx.env, encoding: 'utf8', timeout: 60_000 });
}

/** The objects without `seconds`, which moves on between two reads. */
function settled(list: Record<string, unknown>[]): Record<string, unknown>[] {
  return list.map(({ seconds: _seconds, ...rest }) => rest);
}

test('/api/services is svstat --json for every service and logger of the scan directory', async () => {
  fx.svc('-d', 's02');
  await waitFor('s02 down', () => fx.svstat([fx.path('s02')])[0]?.state === 'down');
  const dirs = fx.names.flatMap((n) => [fx.path(n), fx.path(`${n}/log`)]);
  const reply = await http(target, 'GET', '/api/services', { Host: host });
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['content-type'], 'application/json');
  const api = JSON.parse(reply.body) as Record<string, unknown>[];
  const svstat = fx.svstat(dirs) as Record<string, unknown>[];
  assert.deepEqual(settled(api), settled(svstat));
  assert.deepEqual(
    api.map((s) => [s['dir'], s['state']]),
    dirs.map((d) => [d, d === fx.path('s02') ? 'down' : 'up']),
  );
  for (const [i, s] of api.entries()) assert.ok(Math.abs(Number(s['seconds']) - Number(svstat[i]?.['seconds'])) <= 2);
  fx.svc('-u', 's02');
  await waitFor('s02 up', () => fx.svstat([fx.path('s02')])[0]?.state === 'up');
});

const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*",?)*)\} (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

test('/metrics: the Prometheus text format 0.0.4, every family with HELP and TYPE, values of the services', async () => {
  const reply = await http(target, 'GET', '/metrics', { Host: host });
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.ok(reply.body.endsWith('\n'));
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const values = new Map<string, number>();
  for (const line of reply.body.slice(0, -1).split('\n')) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (\S.*)$/.exec(line);
    if (m?.[1] && m[2]) {
      assert.ok(!help.has(m[1]), `one HELP for ${m[1]}`);
      help.set(m[1], m[2]);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$/.exec(line);
    if (m?.[1] && m[2]) {
      assert.ok(help.has(m[1]) && !type.has(m[1]), `TYPE for ${m[1]} once, after its HELP`);
      type.set(m[1], m[2]);
      continue;
    }
    m = SAMPLE.exec(line);
    assert.ok(m?.[1] && m[3] !== undefined, `a sample line: ${JSON.stringify(line)}`);
    assert.ok(type.has(m[1]), `${m[1]} has its TYPE first`);
    assert.ok(!values.has(`${m[1]}{${m[2]}}`), `one sample per series: ${line}`);
    values.set(`${m[1]}{${m[2]}}`, Number(m[3]));
  }
  assert.deepEqual(
    [...type],
    [
      ['fortress_service_up', 'gauge'],
      ['fortress_service_state', 'gauge'],
      ['fortress_service_starts_total', 'counter'],
      ['fortress_service_restarts_total', 'counter'],
      ['fortress_service_uptime_seconds', 'gauge'],
      ['fortress_service_memory_bytes', 'gauge'],
      ['fortress_service_log_bytes_written_total', 'counter'],
    ],
  );
  const json = fx.svstat([fx.path('s01')])[0] as Record<string, number>;
  assert.equal(values.get('fortress_service_up{service="s01"}'), 1);
  assert.equal(values.get('fortress_service_up{service="s01/log"}'), 1);
  assert.equal(values.get('fortress_service_state{service="s01",state="up"}'), 1);
  assert.equal(values.get('fortress_service_state{service="s01",state="down"}'), 0);
  assert.equal(values.get('fortress_service_starts_total{service="s01"}'), json['starts']);
  assert.equal(values.get('fortress_service_restarts_total{service="s01"}'), json['restarts']);
  assert.ok((values.get('fortress_service_memory_bytes{service="s01"}') ?? 0) > 0);
  assert.ok(values.has('fortress_service_uptime_seconds{service="s01"}'));
  assert.ok(values.has('fortress_service_log_bytes_written_total{service="s01"}'));
});

test('a log line written reaches the page, with its TAI64N label as local time, and counts as log bytes', async () => {
  const before = fx.svstat([fx.path('s03')])[0]?.pid;
  fx.svc('-t', 's03');
  const pid = await waitFor('s03 restarted', () => {
    const now = fx.svstat([fx.path('s03')])[0]?.pid;
    return now && now !== before ? now : undefined;
  });
  const page = await waitFor('the new line on the page', async () => {
    const reply = await http(target, 'GET', '/', { Host: host });
    return reply.body.includes(`s03 started pid ${pid}`) ? reply.body : undefined;
  });
  assert.match(page, new RegExp(`\\n?\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{9} s03 started pid ${pid}`));
  const metrics = await http(target, 'GET', '/metrics', { Host: host });
  const written = /^fortress_service_log_bytes_written_total\{service="s03"\} (\d+)$/m.exec(metrics.body)?.[1];
  assert.ok(Number(written) >= `@4000000000000000abcdef01 s03 started pid ${pid}\n`.length);
});

test('every request must name this dashboard in Host: another name (DNS rebinding) or none is refused', async () => {
  for (const path of ['/', '/api/services', '/metrics', '/events']) {
    const bad = await http(target, 'GET', path, { Host: `evil.example:${port}` });
    assert.equal(bad.status, 403, path);
    assert.match(bad.body, /Host header/);
    assert.equal((await http(target, 'GET', path, { Host: `${ip}:${port + 1}` })).status, 403);
    // Without Host at all, Node's server answers 400 before the dashboard sees the request.
    assert.equal((await http(target, 'GET', path, {})).status, 400);
  }
  const good = await http(target, 'GET', '/', { Host: host });
  assert.equal(good.status, 200);
  assert.match(String(good.headers['content-security-policy']), /default-src 'none'; script-src 'sha256-/);
  assert.match(good.body, /<caption>Services under .* \(<span id="count">3<\/span>\)<\/caption>/);
  assert.equal((await http(target, 'GET', '/api/services', { Host: `localhost:${port}` })).status, 200);
});

async function control(headers: Record<string, string>, command = 'down', service = 's01') {
  return http(
    target,
    'POST',
    '/control',
    { Host: host, 'Content-Type': 'application/json', ...headers },
    JSON.stringify({ service, command }),
  );
}

test('control needs the token (compared whole), a POST and a same-origin request', async () => {
  const refused = [
    await control({}),
    await control({ 'X-Fortress-Token': 'wrong' }),
    await control({ 'X-Fortress-Token': `${TOKEN}x` }),
    await control({ 'X-Fortress-Token': TOKEN.slice(0, -1) }),
    await control({ 'X-Fortress-Token': TOKEN, Origin: 'http://evil.example' }),
    await control({ 'X-Fortress-Token': TOKEN, Origin: 'null' }),
    await control({ 'X-Fortress-Token': TOKEN, 'Sec-Fetch-Site': 'cross-site' }),
    await control({ 'X-Fortress-Token': TOKEN, 'Sec-Fetch-Site': 'same-site' }),
    await control({ 'X-Fortress-Token': TOKEN, Host: `evil.example:${port}` }),
  ];
  assert.deepEqual(
    refused.map((r) => r.status),
    refused.map(() => 403),
  );
  assert.equal((await http(target, 'GET', '/control', { Host: host })).status, 405);
  assert.equal(fx.svstat([fx.path('s01')])[0]?.state, 'up', 'nothing was sent');
  assert.equal((await control({ 'X-Fortress-Token': TOKEN }, 'explode')).status, 400);
  assert.equal((await control({ 'X-Fortress-Token': TOKEN }, 'down', 'nosuch')).status, 404);
  const ok = await control({ 'X-Fortress-Token': TOKEN, Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(ok.status, 200, ok.body);
  await waitFor('s01 down', () => fx.svstat([fx.path('s01')])[0]?.state === 'down');
  const pidDown = fx.svstat([fx.path('s01')])[0];
  assert.equal(pidDown?.['want'], 'down');
  assert.equal((await control({ 'X-Fortress-Token': TOKEN }, 'up')).status, 200);
  await waitFor('s01 up', () => fx.svstat([fx.path('s01')])[0]?.state === 'up');
  const before = fx.svstat([fx.path('s01')])[0]?.pid;
  assert.equal((await control({ 'X-Fortress-Token': TOKEN }, 'restart')).status, 200);
  await waitFor('s01 restarted', () => {
    const s = fx.svstat([fx.path('s01')])[0];
    return s?.state === 'up' && s.pid !== before;
  });
});

test('live: a status change is pushed on /events as a diff of the changed cells', async () => {
  const { request } = await import('node:http');
  let timer: NodeJS.Timeout | undefined;
  const got = await new Promise<string>((resolve, reject) => {
    let before = '';
    let after: string | undefined;
    const req = request({ host: ip, port, path: '/events', headers: { Host: host } }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (after === undefined) {
          before += chunk;
          // Once the snapshot of every row has arrived, change one service.
          if (!/"name":"s03","lines"/.test(before)) return;
          after = '';
          fx.svc('-d', 's02');
          return;
        }
        after += chunk;
        for (const m of after.matchAll(/event: change\ndata: (\{"name":"s02","cells":\{[^\n]*)\n\n/g)) {
          if (!m[1]?.includes('state-down')) continue;
          req.destroy();
          resolve(m[1]);
        }
      });
    });
    req.on('error', reject);
    req.end();
    timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no change event for s02 within 60 s'));
    }, 60_000);
  }).finally(() => clearTimeout(timer));
  const change = JSON.parse(got) as { name: string; cells: Record<string, string>; snapshot?: boolean };
  assert.equal(change.snapshot, undefined);
  assert.ok(!('restarts' in change.cells), 'only the cells that changed');
  assert.match(change.cells['state'] ?? '', /<span class="state state-down">down<\/span>/);
  assert.equal(change.cells['pid'], '–');
  fx.svc('-u', 's02');
});

test('refuses a wildcard address, a token file others may read or another owns, and bad usage', () => {
  for (const wild of ['0.0.0.0', '::']) {
    const r = run(['dashboard', fx.scan, '--ip', wild, '--port', String(port + 2)]);
    assert.equal(r.status, 100);
    assert.equal(
      r.stderr,
      `fortress: fatal: refusing wildcard address ${wild}: the dashboard listens on one local address\n`,
    );
  }
  const loose = join(fx.dir, 'loose');
  writeFileSync(loose, `${TOKEN}\n`);
  chmodSync(loose, 0o644);
  let r = run(['dashboard', fx.scan, '--ip', ip, '--port', String(port + 2), '--control', loose]);
  assert.equal(r.status, 100);
  assert.equal(
    r.stderr,
    `fortress: fatal: refusing to start: token file ${loose} has mode 0644: others may read it (chmod 600)\n`,
  );
  chmodSync(loose, 0o600);
  chownSync(loose, 65534, 65534);
  r = run(['dashboard', fx.scan, '--ip', ip, '--port', String(port + 2), '--control', loose]);
  assert.equal(r.status, 100);
  assert.match(r.stderr, /^fortress: fatal: refusing to start: token file .* belongs to uid 65534, not to uid 0\n$/);
  r = run(['dashboard', fx.scan, '--ip', ip]);
  assert.equal(r.status, 100);
  assert.match(r.stderr, /^fortress: usage: fortress dashboard SCANDIR/);
  r = run(['dashboard', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: fortress dashboard SCANDIR \(--ip ADDR --port N \| --socket PATH\)/);
  r = run(['dashboard', join(fx.dir, 'nosuch'), '--ip', ip, '--port', String(port + 2)]);
  assert.equal(r.status, 111);
  assert.match(r.stderr, /^fortress: fatal: unable to read .*nosuch: file does not exist\n$/);
  r = run(['dashboard', fx.scan, '--ip', ip, '--port', String(port)]);
  assert.equal(r.status, 111);
  assert.equal(r.stderr, `fortress: fatal: unable to bind ${ip}:${port}: address already used\n`);
});

test('--socket PATH: a Unix socket only its owner may use; Host is not checked there', async () => {
  const socketPath = join(fx.dir, 'dashboard.sock');
  await fx.dashboard(['--socket', socketPath]);
  assert.equal(statSync(socketPath).mode & 0o077, 0, 'nobody but the owner may connect');
  const reply = await http({ socketPath }, 'GET', '/api/services', { Host: 'localhost' });
  assert.equal(reply.status, 200);
  assert.equal((JSON.parse(reply.body) as unknown[]).length, 6);
  const control = await http(
    { socketPath },
    'POST',
    '/control',
    { Host: 'localhost' },
    '{"service":"s01","command":"down"}',
  );
  assert.equal(control.status, 403, 'no token given: control is off');
});

test('an empty scan directory: a directory made there is pushed as added, and as removed when gone', async () => {
  const empty = new ScanFixture('dashboard-empty', 0);
  try {
    const emptyPort = port + 3;
    await empty.dashboard(['--ip', ip, '--port', String(emptyPort)]);
    const { request } = await import('node:http');
    let timer: NodeJS.Timeout | undefined;
    const events = await new Promise<string>((resolve, reject) => {
      let data = '';
      const req = request(
        { host: ip, port: emptyPort, path: '/events', headers: { Host: `${ip}:${emptyPort}` } },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const first = data === '';
            data += chunk;
            if (first) mkdirSync(empty.path('late'));
            if (data.includes('event: add\n') && !data.includes('event: remove\n') && existsSync(empty.path('late')))
              rmdirSync(empty.path('late'));
            if (data.includes('event: remove\n')) {
              req.destroy();
              resolve(data);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
      timer = setTimeout(() => {
        req.destroy();
        reject(new Error('no add and remove events within 60 s'));
      }, 60_000);
    }).finally(() => clearTimeout(timer));
    const add = /event: add\ndata: (.*)\n\n/.exec(events)?.[1];
    const parsed = JSON.parse(add ?? '{}') as { name: string; html: string; after: string | null };
    assert.equal(parsed.name, 'late');
    assert.equal(parsed.after, null);
    assert.match(parsed.html, /^<tr data-name="late"><th scope="row">late<\/th>/);
    assert.match(events, /event: remove\ndata: \{"name":"late"\}\n\n/);
  } finally {
    await empty.stop();
  }
});
