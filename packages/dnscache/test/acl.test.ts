// Who may ask: ip/ prefixes checked for every UDP packet and TCP connection, a new file counting
// at once; everything else dnscache ignores without a reply, as Debian's does.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEBIAN_DNSCACHE, dnsPacket, Lab, OUR_DNSCACHE, queryPacket, tcpExchange, udpExchange } from './lab.js';

const BASE = '127.53.3';
const TINY = `${BASE}.1`;
const OURS = `${BASE}.10`;
const THEIRS = `${BASE}.11`;
const ALLOWED = `${BASE}.20`;
const REFUSED = `${BASE}.21`;
const lab = new Lab();
let oursRoot = '';
let theirsRoot = '';

before(async () => {
  await lab.tinydns(TINY, `.test:${TINY}:a\n+www.test:127.0.0.11:300\n`);
  const servers = { '@': [TINY] };
  oursRoot = lab.cacheRoot('ours', [ALLOWED, '127.54'], servers);
  theirsRoot = lab.cacheRoot('theirs', [ALLOWED, '127.54'], servers);
  await lab.dnscache(OUR_DNSCACHE, OURS, oursRoot);
  await lab.dnscache(DEBIAN_DNSCACHE, THEIRS, theirsRoot);
});
after(() => lab.cleanup());

const both = [
  ['ours', OURS],
  ['Debian', THEIRS],
] as const;

for (const [who, server] of both) {
  test(`${who}: UDP from a listed address and a listed prefix is answered`, async () => {
    for (const source of [ALLOWED, '127.54.0.9']) {
      const reply = await udpExchange(server, queryPacket('www.test', 'A'), source);
      assert.ok(reply, source);
      assert.equal(dnsPacket.decode(reply).answers[0]?.data, '127.0.0.11');
    }
  });

  test(`${who}: UDP from an unlisted address gets nothing`, async () => {
    assert.equal(await udpExchange(server, queryPacket('www.test', 'A'), REFUSED, 1500), undefined);
  });

  test(`${who}: TCP from an unlisted address is closed without an answer; listed is answered`, async () => {
    assert.equal(await tcpExchange(server, queryPacket('www.test', 'A'), REFUSED, 3000), undefined);
    const reply = await tcpExchange(server, queryPacket('www.test', 'A'), ALLOWED);
    assert.ok(reply);
    assert.equal(dnsPacket.decode(reply).answers[0]?.data, '127.0.0.11');
  });

  test(`${who}: malformed, non-recursive and odd questions are dropped silently`, async () => {
    const nonRecursive = queryPacket('www.test', 'A', 1, false);
    const response = Buffer.from(queryPacket('www.test', 'A'));
    response[2]! |= 0x80;
    const twoQuestions = Buffer.from(queryPacket('www.test', 'A'));
    twoQuestions[5] = 2;
    const chaos = dnsPacket.encode({
      type: 'query',
      id: 3,
      flags: 256,
      questions: [{ type: 'A', name: 'www.test', class: 'CH' }],
    });
    const opcode = Buffer.from(queryPacket('www.test', 'A'));
    opcode[2]! |= 0x10;
    const huge = Buffer.concat([queryPacket('www.test', 'A'), Buffer.alloc(1100)]);
    const cut = queryPacket('www.test', 'A').subarray(0, 17);
    for (const [what, packet] of Object.entries({ nonRecursive, response, twoQuestions, chaos, opcode, huge, cut })) {
      assert.equal(await udpExchange(server, packet, ALLOWED, 700), undefined, what);
    }
    assert.ok(await udpExchange(server, queryPacket('www.test', 'A'), ALLOWED));
  });

  test(`${who}: source ports below 1024 other than 53 are ignored`, async () => {
    const { createSocket } = await import('node:dgram');
    for (const [port, answered] of [
      [999, false],
      [53, true],
    ] as const) {
      const s = createSocket('udp4');
      const got = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 1500);
        s.on('message', () => {
          clearTimeout(timer);
          resolve(true);
        });
        s.bind({ address: ALLOWED, port }, () => s.send(queryPacket('www.test', 'A'), 53, server));
      });
      s.close();
      assert.equal(got, answered, `port ${port}`);
    }
  });
}

test('ours: a new ip/ file takes effect at once, and so does its removal', async () => {
  assert.equal(await udpExchange(OURS, queryPacket('www.test', 'A'), REFUSED, 1000), undefined);
  writeFileSync(join(oursRoot, 'ip', REFUSED), '');
  assert.ok(await udpExchange(OURS, queryPacket('www.test', 'A'), REFUSED));
  assert.ok(await tcpExchange(OURS, queryPacket('www.test', 'A'), REFUSED));
  rmSync(join(oursRoot, 'ip', REFUSED));
  assert.equal(await udpExchange(OURS, queryPacket('www.test', 'A'), REFUSED, 1000), undefined);
  assert.equal(await tcpExchange(OURS, queryPacket('www.test', 'A'), REFUSED, 2000), undefined);
});
