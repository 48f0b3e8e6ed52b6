// Every template laid out by `fortress conf`, started under our svscan: each answers on its chosen
// loopback address and not on another, runs as its own account, and its log is written by the log
// account. `fortress status` and `fortress audit` are checked against the running services.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { findAccount } from '@fortress/fortress/conf/accounts';
import { waitFor } from '@fortress/test-support/wait-for';
import { confTree, exchange, fortress, loopbackAddress, refused } from './helpers.js';

const { dir, scan, env, standIns, conf, startSvscan } = confTree('services');
const ip = loopbackAddress();
const dnsIp = loopbackAddress();
const LOG = 'ftestlog';
const ACCOUNTS = { httpd: 'ftesthttpd', fingerd: 'ftestfinger', tcpserver: 'ftesttcp', dnscache: 'ftestdns' };
const base = 20000 + Math.floor(Math.random() * 20000);
const ports = { httpd: base, fingerd: base + 1, tcpserver: base + 2, inetd: base + 3, dns: base + 4 };

before(() => {
  if (standIns.length > 0) process.stderr.write(`# Debian stand-ins: ${standIns.join(' ')}\n`);
  const common = ['--ip', ip, '--log-user', LOG];
  conf(['httpd', join(scan, 'httpd'), ...common, '--port', String(ports.httpd), '--user', ACCOUNTS.httpd]);
  writeFileSync(join(scan, 'httpd/public/hello.txt'), 'hello from the fortress\n');
  conf(['fingerd', join(scan, 'fingerd'), ...common, '--port', String(ports.fingerd), '--user', ACCOUNTS.fingerd]);
  conf([
    'tcpserver',
    join(scan, 'tcpserver'),
    ...common,
    '--port',
    String(ports.tcpserver),
    '--user',
    ACCOUNTS.tcpserver,
    '--command',
    'sh -c "echo generic-ok; id -un"',
  ]);
  conf([
    'dnscache',
    join(scan, 'dnscache'),
    '--ip',
    dnsIp,
    '--port',
    String(ports.dns),
    '--user',
    ACCOUNTS.dnscache,
    '--log-user',
    LOG,
    '--clients',
    '127',
    '--upstream',
    '127.0.0.1',
  ]);
  const inetdConf = join(dir, 'inetd.conf');
  // inetd.conf has no quoting: a script stands for the server program.
  const script = join(dir, 'inetd-service');
  writeFileSync(script, '#!/bin/sh\necho inetd-ok\nid -un\n', { mode: 0o755 });
  writeFileSync(inetdConf, `${ports.inetd} stream tcp nowait nobody ${script} inetd-service\n`);
  const imported = fortress(['import-inetd', inetdConf, '--ip', ip, scan, '--log-user', LOG], env);
  assert.equal(imported.status, 0, imported.stderr);
  startSvscan();
});

function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

async function answer(port: number, request: string): Promise<string> {
  return waitFor(`an answer on ${ip}:${port}`, async () => (await exchange(ip, port, request)) || undefined);
}

test('httpd answers on its address only, as its account', async () => {
  const reply = await answer(ports.httpd, 'GET /hello.txt HTTP/1.0\r\n\r\n');
  assert.match(reply, /^HTTP\/1\.0 200 OK\r\n/);
  assert.ok(reply.endsWith('\r\n\r\nhello from the fortress\n'));
  assert.ok(await refused('127.0.0.1', ports.httpd), 'not on 127.0.0.1');
  assert.ok(await refused(loopbackAddress(), ports.httpd), 'not on another loopback address');
});

test('the generic tcpserver listener and the imported inetd line run their commands as their accounts', async () => {
  assert.equal(await answer(ports.tcpserver, ''), `generic-ok\n${ACCOUNTS.tcpserver}\n`);
  assert.equal(await answer(ports.inetd, ''), 'inetd-ok\nnobody\n');
  assert.ok(await refused('127.0.0.1', ports.tcpserver));
  assert.ok(await refused('127.0.0.1', ports.inetd));
});

test('fingerd answers one line with the machine status and gives out no user information', async () => {
  const status = await answer(ports.fingerd, '\r\n');
  assert.match(status, /^\S+: up \S+, load [\d.]+ [\d.]+ [\d.]+\r\n/);
  const user = await answer(ports.fingerd, 'root\r\n');
  assert.equal(user, 'root: no user information is given out here.\r\n');
  assert.ok(await refused('127.0.0.1', ports.fingerd));
});

function dnsQuery(host: string, port: number, name: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
    const id = Math.floor(Math.random() * 65535);
    const header = Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const packet = Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, 2000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.on('error', () => {
      clearTimeout(timer);
      socket.close();
      resolve(undefined);
    });
    socket.send(packet, port, host);
  });
}

test('dnscache answers on its address (localhost A 127.0.0.1) and not on another', async () => {
  const reply = await waitFor('dnscache', () => dnsQuery(dnsIp, ports.dns, 'localhost'));
  assert.equal(reply.readUInt16BE(6) >= 1, true, 'one answer at least');
  assert.ok(reply.subarray(reply.length - 4).equals(Buffer.from([127, 0, 0, 1])), 'the answer is 127.0.0.1');
  assert.equal(await dnsQuery('127.0.0.1', ports.dns, 'localhost'), undefined);
  assert.ok(await refused('127.0.0.1', ports.dns), 'TCP not on 127.0.0.1');
  const pid = Number(readFileSync(join(scan, 'dnscache/supervise/status')).readUInt32LE(12));
  assert.equal(uidOf(pid), findAccount(ACCOUNTS.dnscache)?.uid, 'dnscache runs as its account');
});

test('the listeners run as their accounts and every log is written by the log account', async () => {
  const logUid = findAccount(LOG)?.uid;
  assert.ok(logUid !== undefined);
  for (const [service, account] of [
    ['httpd', ACCOUNTS.httpd],
    ['fingerd', ACCOUNTS.fingerd],
    ['tcpserver', ACCOUNTS.tcpserver],
  ] as const) {
    const pid = Number(readFileSync(join(scan, service, 'supervise/status')).readUInt32LE(12));
    assert.ok(pid > 0);
    assert.equal(uidOf(pid), findAccount(account)?.uid, `${service} runs as ${account}`);
  }
  for (const service of ['httpd', 'fingerd', 'tcpserver', 'dnscache', String(ports.inetd)]) {
    const current = join(scan, service, 'log/main/current');
    await waitFor(`${current}`, () => existsSync(current) && statSync(current).size > 0);
    assert.equal(statSync(current).uid, logUid, `${service}'s log belongs to ${LOG}`);
    assert.match(readFileSync(current, 'utf8'), /^@4000[0-9a-f]{20} /);
    const pid = Number(readFileSync(join(scan, service, 'log/supervise/status')).readUInt32LE(12));
    assert.equal(uidOf(pid), logUid, `${service}'s multilog runs as ${LOG}`);
  }
  const httpdLog = join(scan, 'httpd/log/main/current');
  await waitFor('a tcpserver line in the log', () =>
    /tcpserver: (status|pid|ok|end)/.test(readFileSync(httpdLog, 'utf8')),
  );
});

test('fortress status: every service and logger up, with pid, uptime and memory', async () => {
  const services = await waitFor('all up', () => {
    const r = fortress(['status', scan, '--json'], env);
    const list = JSON.parse(r.stdout) as {
      name: string;
      state: string;
      pid: number;
      memory: number;
      seconds: number;
    }[];
    return list.length === 10 && list.every((s) => s.state === 'up' && s.memory > 0) ? list : undefined;
  });
  assert.deepEqual(
    services.map((s) => s.name),
    [
      String(ports.inetd),
      `${ports.inetd}/log`,
      'dnscache',
      'dnscache/log',
      'fingerd',
      'fingerd/log',
      'httpd',
      'httpd/log',
      'tcpserver',
      'tcpserver/log',
    ],
  );
  // The httpd group is tcpserver alone between connections: its memory is that process's private
  // memory (USS, issue 18), well below its RSS (Node's shared pages).
  const httpd = services.find((s) => s.name === 'httpd');
  assert.ok(httpd);
  const rollup = readFileSync(`/proc/${httpd.pid}/smaps_rollup`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1]);
  const ussKb = kb('Private_Clean') + kb('Private_Dirty');
  assert.ok(httpd.memory > ussKb * 1024 * 0.5 && httpd.memory < ussKb * 1024 * 2, `${httpd.memory} vs ${ussKb} kB`);
  assert.ok(httpd.memory < kb('Rss') * 1024, `${httpd.memory} below RSS ${kb('Rss')} kB`);
  const table = fortress(['status', scan], env);
  assert.equal(table.status, 0);
  assert.match(table.stdout, /^SERVICE\s+STATE\s+PID\s+UPTIME\s+RESTARTS\s+LAST EXIT\s+MEMORY \(USS\)\s+PROBLEM$/m);
  assert.match(table.stdout, /^httpd\s+up\s+\d+\s+\d+\S*\s+\S+\s+\S+\s+[\d.]+[KM]$/m);
});

test('fortress status counts restarts and shows the last exit after svc -k', async () => {
  const before = JSON.parse(fortress(['status', scan, '--json'], env).stdout) as { name: string; pid: number }[];
  const oldPid = before.find((s) => s.name === 'tcpserver')?.pid;
  assert.ok(oldPid);
  const svc = spawnSync('svc', ['-k', join(scan, 'tcpserver')], { env, encoding: 'utf8' });
  assert.equal(svc.stderr, '');
  const after = await waitFor('tcpserver restarted', () => {
    const list = JSON.parse(fortress(['status', scan, '--json'], env).stdout) as {
      name: string;
      state: string;
      pid: number;
      restarts: number;
      lastExit: { signal: string | null } | null;
    }[];
    const s = list.find((x) => x.name === 'tcpserver');
    return s && s.state === 'up' && s.pid !== oldPid ? s : undefined;
  });
  assert.equal(after.restarts, 1);
  assert.equal(after.lastExit?.signal, 'SIGKILL');
  assert.match(fortress(['status', scan], env).stdout, /^tcpserver\s+up\s+\d+\s+\S+\s+1\s+SIGKILL\s/m);
  assert.equal(await answer(ports.tcpserver, ''), `generic-ok\n${ACCOUNTS.tcpserver}\n`);
});

test('fortress audit names the services behind the sockets, all on loopback', () => {
  const r = fortress(['audit', '--json'], env);
  const report = JSON.parse(r.stdout) as {
    sockets: {
      proto: string;
      address: string;
      port: number;
      verdict: string;
      processes: { service: string | null; name: string }[];
    }[];
  };
  for (const [service, port, program] of [
    ['httpd', ports.httpd, 'tcpserver'],
    ['tcpserver', ports.tcpserver, 'tcpserver'],
    ['dnscache', ports.dns, 'dnscache'],
  ] as const) {
    const socket = report.sockets.find((s) => s.proto === 'tcp' && s.port === port);
    assert.ok(socket, `${service} in the audit`);
    assert.equal(socket.verdict, 'loopback');
    assert.ok(
      socket.processes.some((p) => p.service === join(scan, service)),
      `${service} named`,
    );
    // PROGRAM is the program's name from its arguments, not Node's thread name (issue 18).
    assert.deepEqual([...new Set(socket.processes.map((p) => p.name))], [program], `${service}'s program`);
  }
});
