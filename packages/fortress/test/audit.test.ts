import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { fortress } from './helpers.js';

interface JsonSocket {
  proto: string;
  address: string;
  port: number;
  verdict: string;
  allowed: boolean;
  failing: boolean;
  processes: { pid: number; name: string }[];
}

let loopbackTcp: Server;
let wildcardTcp: Server;
let loopbackUdp: Socket;
let ipv6Tcp: Server;
let ports: { loopback: number; wildcard: number; udp: number; ipv6: number };

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

before(async () => {
  loopbackTcp = createServer();
  wildcardTcp = createServer();
  loopbackUdp = createSocket('udp4');
  const udp = await new Promise<number>((resolve) =>
    loopbackUdp.bind(0, '127.0.0.1', () => resolve(loopbackUdp.address().port)),
  );
  ipv6Tcp = createServer();
  ports = {
    loopback: await listen(loopbackTcp, '127.0.0.1'),
    wildcard: await listen(wildcardTcp, '0.0.0.0'),
    udp,
    ipv6: await listen(ipv6Tcp, '::1'),
  };
});

after(() => {
  loopbackTcp.close();
  wildcardTcp.close();
  loopbackUdp.close();
  ipv6Tcp.close();
});

function find(list: JsonSocket[], proto: string, port: number): JsonSocket {
  const found = list.find((s) => s.proto === proto && s.port === port);
  assert.ok(found, `${proto} port ${port} in the audit`);
  return found;
}

test('audit --json: our loopback and wildcard sockets with verdicts and this process behind them', () => {
  const result = fortress(['audit', '--json']);
  assert.equal(result.stderr, '');
  const report = JSON.parse(result.stdout) as { sockets: JsonSocket[]; summary: { failing: number } };
  const lo = find(report.sockets, 'tcp', ports.loopback);
  assert.equal(lo.address, '127.0.0.1');
  assert.equal(lo.verdict, 'loopback');
  assert.equal(lo.failing, false);
  assert.ok(lo.processes.some((p) => p.pid === process.pid));
  const wild = find(report.sockets, 'tcp', ports.wildcard);
  assert.equal(wild.address, '0.0.0.0');
  assert.equal(wild.verdict, 'wildcard');
  assert.equal(wild.failing, true);
  assert.ok(wild.processes.some((p) => p.pid === process.pid && p.name !== ''));
  const udp = find(report.sockets, 'udp', ports.udp);
  assert.equal(udp.verdict, 'loopback');
  const v6 = find(report.sockets, 'tcp', ports.ipv6);
  assert.equal(v6.address, '::1');
  assert.equal(v6.verdict, 'loopback');
  assert.ok(v6.processes.some((p) => p.pid === process.pid));
  assert.ok(report.summary.failing >= 1);
  assert.equal(result.status, 1, 'a wildcard listener not allowed makes the audit fail');
});

test('audit --allow PORT/tcp accepts that wildcard listener (exit 0 unless others fail)', () => {
  const result = fortress(['audit', '--json', '--allow', `${ports.wildcard}/tcp`]);
  const report = JSON.parse(result.stdout) as { sockets: JsonSocket[]; summary: { failing: number } };
  const wild = find(report.sockets, 'tcp', ports.wildcard);
  assert.equal(wild.allowed, true);
  assert.equal(wild.failing, false);
  const others = report.sockets.filter((s) => s.failing);
  assert.equal(report.summary.failing, others.length);
  assert.equal(result.status, others.length > 0 ? 1 : 0);
  // The same port allowed for UDP only does not cover the TCP listener.
  const udpOnly = JSON.parse(fortress(['audit', '--json', '--allow', `${ports.wildcard}/udp`]).stdout) as {
    sockets: JsonSocket[];
  };
  assert.equal(find(udpOnly.sockets, 'tcp', ports.wildcard).failing, true);
});

test('audit (human table): one line per socket with its verdict, the wildcard flagged, kernel settings listed', () => {
  const result = fortress(['audit']);
  assert.equal(result.status, 1);
  const lines = result.stdout.split('\n');
  assert.match(lines[0] ?? '', /^PROTO\s+LOCAL ADDRESS\s+VERDICT\s+PID\s+PROGRAM\s+USER\s+SERVICE\s+NOTE$/);
  const wild = lines.find(
    (l) => l.startsWith(`tcp    0.0.0.0:${ports.wildcard} `) || l.includes(` 0.0.0.0:${ports.wildcard} `),
  );
  assert.ok(wild, 'wildcard line');
  assert.match(wild, /wildcard\s+\d+/);
  assert.match(wild, /LISTENS ON EVERY ADDRESS/);
  const lo = lines.find((l) => l.includes(` 127.0.0.1:${ports.loopback} `));
  assert.ok(lo, 'loopback line');
  assert.match(lo, new RegExp(`loopback\\s+${process.pid}\\b`));
  assert.doesNotMatch(lo, /LISTENS ON EVERY ADDRESS/);
  assert.match(lines.find((l) => l.includes(` [::1]:${ports.ipv6} `)) ?? '', /^tcp6\s+\[::1\]:\d+\s+loopback\s/);
  assert.match(result.stdout, /\d+ listening sockets, \d+ on a wildcard address \(\d+ not allowed\)/);
  assert.match(result.stdout, /net\.ipv4\.conf\.\S+\.(rp_filter|accept_source_route) = \d/);
});

/** A wildcard listener on an X11 port (6000 + display), bound only for this test. */
async function x11Listener(): Promise<{ server: Server; port: number } | undefined> {
  for (let port = 6063; port >= 6040; port--) {
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '0.0.0.0', port, exclusive: true }, resolve);
      });
      return { server, port };
    } catch {
      server.close();
    }
  }
  return undefined;
}

test('audit flags the usual suspects: X11 on a wildcard address, with the advice', async () => {
  const x11 = await x11Listener();
  assert.ok(x11, 'an X11 port was free to bind');
  try {
    const report = JSON.parse(fortress(['audit', '--json']).stdout) as {
      sockets: (JsonSocket & { suspect: { name: string; advice: string } | null })[];
      summary: { suspects: number };
    };
    const socket = report.sockets.find((s) => s.proto === 'tcp' && s.port === x11.port);
    assert.ok(socket);
    assert.deepEqual(socket.suspect, { name: 'X11', advice: 'start the X server with -nolisten tcp' });
    assert.ok(report.summary.suspects >= 1);
    const lo = report.sockets.find((s) => s.proto === 'tcp' && s.port === ports.loopback);
    assert.equal((lo as { suspect: unknown } | undefined)?.suspect, null);
    assert.match(
      fortress(['audit']).stdout,
      new RegExp(`0\\.0\\.0\\.0:${x11.port} .*suspect X11: start the X server with -nolisten tcp`),
    );
  } finally {
    x11.server.close();
  }
});

test('audit: bad usage exits 100', () => {
  const result = fortress(['audit', '--allow', 'ssh']);
  assert.equal(result.status, 100);
  assert.match(result.stderr, /^fortress: usage: fortress audit/);
  assert.equal(fortress(['audit', 'extra']).status, 100);
  assert.equal(fortress(['no-such-command']).status, 100);
});
