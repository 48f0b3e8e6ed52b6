// The in-flight limits: a 201st UDP question evicts the oldest (`drop N timed out`), a 21st TCP
// connection closes the oldest; checked on ours and Debian's against a silent upstream, which
// also shows an unanswered question asked again after its timeout from a new port and id.
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { DEBIAN_DNSCACHE, Lab, OUR_DNSCACHE, type Proc, queryPacket, waitFor } from './lab.js';

const BASE = '127.53.9';
const SILENT = `${BASE}.1`;
const lab = new Lab();
let silent: UdpSocket;
/** What the silent server was sent: the datagram, its source port. */
const heard: { msg: Buffer; port: number }[] = [];
const caches: [string, string, Proc | undefined][] = [
  ['ours', `${BASE}.10`, undefined],
  ['Debian', `${BASE}.11`, undefined],
];

before(async () => {
  silent = createSocket('udp4');
  silent.on('message', (msg, rinfo) => heard.push({ msg, port: rinfo.port }));
  await new Promise<void>((resolve) => silent.bind({ address: SILENT, port: 53 }, resolve));
  lab.onCleanup(() => silent.close());
  for (const c of caches) {
    const program = c[0] === 'ours' ? OUR_DNSCACHE : DEBIAN_DNSCACHE;
    c[2] = await lab.dnscache(program, c[1], lab.cacheRoot(c[0], ['127'], { '@': [SILENT] }));
  }
});
after(() => lab.cleanup());

for (const c of caches) {
  test(`${c[0]}: the 201st UDP question drops the oldest as timed out`, async () => {
    const p = c[2]!;
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind({ address: '127.53.9.20', port: 0 }, resolve));
    for (let i = 0; i < 203; i++) {
      await new Promise<void>((resolve) => s.send(queryPacket(`q${i}.test`, 'A', i), 53, c[1], () => resolve()));
      if (i === 199) await waitFor('200 questions', () => p.lines.filter((l) => l.startsWith('query ')).length === 200);
    }
    s.close();
    await waitFor('drop lines', () => p.lines.filter((l) => l.endsWith(' timed out')).length >= 3);
    const drops = p.lines.filter((l) => l.startsWith('drop '));
    assert.deepEqual(drops.slice(0, 3), ['drop 1 timed out', 'drop 2 timed out', 'drop 3 timed out']);
  });

  test(`${c[0]}: the 21st TCP connection closes the oldest`, async () => {
    const p = c[2]!;
    const sockets: Socket[] = [];
    const closed = new Set<number>();
    try {
      for (let i = 0; i < 21; i++) {
        const s = connect({ host: c[1], port: 53, localAddress: '127.53.9.21' });
        s.on('error', () => {});
        s.on('close', () => closed.add(i));
        await new Promise<void>((resolve) => s.on('connect', () => resolve()));
        sockets.push(s);
        const n = i + 1;
        await waitFor(`tcpopen ${n}`, () => p.lines.filter((l) => l.startsWith('tcpopen 7f350915:')).length >= n);
      }
      await waitFor('the first connection to close', () => closed.has(0));
      assert.deepEqual([...closed], [0]);
      assert.ok(p.lines.some((l) => /^tcpclose 7f350915:[0-9a-f]{4} /.test(l)));
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
}

// After the limits tests: a question of its own then evicts one of theirs, not the reverse.
for (const c of caches) {
  test(`${c[0]}: an unanswered upstream question is asked again after its timeout, from a new port with a new id`, async () => {
    const label = Buffer.from(`retry-${c[0].toLowerCase()}`);
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind({ address: '127.53.9.22', port: 0 }, resolve));
    try {
      await new Promise<void>((resolve) => s.send(queryPacket(`${label}.test`, 'A', 7), 53, c[1], () => resolve()));
      const asked = () => heard.filter((h) => h.msg.includes(label));
      await waitFor('a second attempt after the first timed out', () => asked().length >= 2);
      const [a, b] = asked();
      const tag = (h: { msg: Buffer; port: number }) => `${h.port}/${h.msg.readUInt16BE(0)}`;
      assert.notEqual(tag(a!), tag(b!));
    } finally {
      s.close();
    }
  });
}
