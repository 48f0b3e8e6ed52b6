// TCP sessions: several questions on one connection, an idle connection closed after 10 s, a
// client that hangs up; the tcpopen/tcpclose lines as Debian's dnscache writes them.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { DEBIAN_DNSCACHE, dnsPacket, Lab, OUR_DNSCACHE, type Proc, queryPacket, waitFor } from './lab.js';

const BASE = '127.53.10';
const TINY = `${BASE}.1`;
const lab = new Lab();
const caches: { who: string; ip: string; p?: Proc }[] = [
  { who: 'ours', ip: `${BASE}.10` },
  { who: 'Debian', ip: `${BASE}.11` },
];

before(async () => {
  await lab.tinydns(TINY, `.test:${TINY}:a\n+www.test:127.0.0.11:300\n+ftp.test:127.0.0.12:300\n`);
  for (const c of caches) {
    const program = c.who === 'ours' ? OUR_DNSCACHE : DEBIAN_DNSCACHE;
    c.p = await lab.dnscache(program, c.ip, lab.cacheRoot(c.who, ['127'], { '@': [TINY] }));
  }
});
after(() => lab.cleanup());

function framed(packet: Buffer): Buffer {
  const out = Buffer.alloc(packet.length + 2);
  out.writeUInt16BE(packet.length);
  packet.copy(out, 2);
  return out;
}

function open(ip: string, source: string): Promise<{ s: Socket; replies: Buffer[]; closed: () => boolean }> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port: 53, localAddress: source });
    const replies: Buffer[] = [];
    let got = Buffer.alloc(0);
    let isClosed = false;
    s.on('error', () => {});
    s.on('close', () => {
      isClosed = true;
    });
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      while (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        replies.push(got.subarray(2, 2 + got.readUInt16BE(0)));
        got = got.subarray(2 + got.readUInt16BE(0));
      }
    });
    s.on('connect', () => resolve({ s, replies, closed: () => isClosed }));
  });
}

test('two questions in one write on one connection get two answers, in order', async () => {
  for (const c of caches) {
    const { s, replies } = await open(c.ip, `${BASE}.20`);
    s.write(Buffer.concat([framed(queryPacket('www.test', 'A', 1)), framed(queryPacket('ftp.test', 'A', 2))]));
    await waitFor(`${c.who}: two answers`, () => replies.length === 2);
    assert.deepEqual(
      replies.map((r) => [dnsPacket.decode(r).id, dnsPacket.decode(r).answers[0]?.data]),
      [
        [1, '127.0.0.11'],
        [2, '127.0.0.12'],
      ],
      c.who,
    );
    s.destroy();
  }
});

test('idle connections are closed after 10 s; closed clients give broken pipe; same lines', async () => {
  const conns = await Promise.all(caches.map((c) => open(c.ip, `${BASE}.21`)));
  const hangups = await Promise.all(caches.map((c) => open(c.ip, `${BASE}.22`)));
  for (const h of hangups) h.s.end();
  await waitFor('both idle connections to be closed', () => conns.every((c) => c.closed()), 40000);
  const lines = caches.map((c) =>
    c.p!.lines.filter((l) => l.startsWith('tcp')).map((l) => l.replace(/:[0-9a-f]{4}( |$)/, ':PORT$1')),
  );
  assert.deepEqual(lines[0], lines[1]);
  assert.ok(lines[0]!.includes('tcpclose 7f350a15:PORT temporary failure'), lines[0]!.join('\n'));
  assert.ok(lines[0]!.includes('tcpclose 7f350a16:PORT broken pipe'), lines[0]!.join('\n'));
});
