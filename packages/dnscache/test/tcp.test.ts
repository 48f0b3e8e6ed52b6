// TCP sessions: several questions on one connection, an idle connection closed after 10 s, a
// client that hangs up; the tcpopen/tcpclose lines as Debian's dnscache writes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachesSideBySide, dnsPacket, tcpFrame as framed, openTcp as open, queryPacket, waitFor } from './lab.js';

const BASE = '127.53.10';
const { caches } = cachesSideBySide(BASE, `.test:${BASE}.1:a\n+www.test:127.0.0.11:300\n+ftp.test:127.0.0.12:300\n`);

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
