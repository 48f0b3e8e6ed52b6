// $IP as an IPv6 address (an addition): UDP and TCP clients on ::1, the client's address in the
// log as 32 hex digits, and ip/ naming the exact address, checked for every question.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dnsPacket, Lab, OUR_DNSCACHE, type Proc, queryPacket, tcpExchange, udpExchange, waitFor } from './lab.js';

const TINY = '127.53.16.1';
const OURS = '::1';
const lab = new Lab();
let ours: Proc;
let root = '';

before(async () => {
  await lab.tinydns(TINY, `.test:${TINY}:a\n+www.test:127.0.0.11:300\n`);
  root = lab.cacheRoot('ours6', ['::1'], { '@': [TINY] });
  ours = await lab.dnscache(OUR_DNSCACHE, OURS, root);
});
after(() => lab.cleanup());

function answerOf(reply: Buffer | undefined, id: number): string[] {
  assert.ok(reply, 'no reply');
  const d = dnsPacket.decode(reply);
  assert.equal(d.id, id);
  return d.answers.map((a) => `${a.name} ${a.type} ${a.data}`);
}

test('IPv6: a UDP client on ::1 is answered and logged as 32 hex digits', async () => {
  const reply = await udpExchange(OURS, queryPacket('www.test', 'A', 601), '::1');
  assert.deepEqual(answerOf(reply, 601), ['www.test A 127.0.0.11']);
  await waitFor('sent line', () => ours.lines.some((l) => l.startsWith('sent ')));
  const query = ours.lines.find((l) => l.startsWith('query '));
  assert.match(query ?? '', /^query 1 0{31}1:[0-9a-f]{4}:0259 1 www\.test\.$/);
});

test('IPv6: a TCP client on ::1 is answered', async () => {
  const reply = await tcpExchange(OURS, queryPacket('www.test', 'A', 602), '::1');
  assert.deepEqual(answerOf(reply, 602), ['www.test A 127.0.0.11']);
});

test('IPv6: without ip/::1 the client is ignored; with it again, answered', async () => {
  rmSync(join(root, 'ip', '::1'));
  assert.equal(await udpExchange(OURS, queryPacket('www.test', 'A', 603), '::1', 1000), undefined);
  assert.equal(await tcpExchange(OURS, queryPacket('www.test', 'A', 604), '::1', 2000), undefined);
  assert.ok(ours.alive());
  writeFileSync(join(root, 'ip', '::1'), '');
  const reply = await udpExchange(OURS, queryPacket('www.test', 'A', 605), '::1');
  assert.deepEqual(answerOf(reply, 605), ['www.test A 127.0.0.11']);
});
