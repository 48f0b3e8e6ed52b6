// Our dnscache and Debian's, configured alike over the same tinydns tree, give the same answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BIG_TXT, startHierarchy } from './hierarchy.js';
import {
  ask,
  DEBIAN_DNSCACHE,
  dnsPacket,
  Lab,
  OUR_DNSCACHE,
  queryPacket,
  summary,
  tcpExchange,
  udpExchange,
} from './lab.js';

const BASE = '127.53.2';
const OURS = `${BASE}.10`;
const THEIRS = `${BASE}.11`;
const lab = new Lab();

before(async () => {
  const root = await startHierarchy(lab, BASE);
  const servers = { '@': [root] };
  await lab.dnscache(OUR_DNSCACHE, OURS, lab.cacheRoot('ours', ['127'], servers));
  await lab.dnscache(DEBIAN_DNSCACHE, THEIRS, lab.cacheRoot('theirs', ['127'], servers));
});
after(() => lab.cleanup());

const QUESTIONS: [string, string][] = [
  ['www.test', 'A'],
  ['v6.test', 'AAAA'],
  ['test', 'MX'],
  ['txt.test', 'TXT'],
  ['chain.test', 'A'],
  ['alias.test', 'CNAME'],
  ['cross.test', 'A'],
  ['nx.test', 'A'],
  ['nx.test', 'MX'],
  ['www.test', 'AAAA'],
  ['www.test', 'MX'],
  ['202.2.53.127.in-addr.arpa', 'PTR'],
  ['www.zone.test', 'A'],
  ['www.nog.test', 'A'],
  ['long.test', 'A'],
  ['test', 'NS'],
  ['localhost', 'A'],
  ['localhost', 'AAAA'],
  ['1.0.0.127.in-addr.arpa', 'PTR'],
  ['10.20.30.40', 'A'],
  ['WwW.TeSt', 'A'],
];

for (const [name, type] of QUESTIONS) {
  test(`${type} ${name}: the same answer from both`, async () => {
    const ours = await ask(OURS, name, type);
    const theirs = await ask(THEIRS, name, type);
    const a = summary(ours);
    const b = summary(theirs);
    assert.equal(a.rcode, b.rcode);
    assert.deepEqual(a.answers.sort(), b.answers.sort());
    assert.equal(ours.flag_aa, theirs.flag_aa);
    assert.deepEqual(ours.questions, theirs.questions);
    // TTLs count down independently; they agree up to the seconds between the two questions.
    for (let i = 0; i < a.ttls.length; i++) assert.ok(Math.abs(a.ttls[i]! - b.ttls[i]!) <= 60, `${a.ttls} ${b.ttls}`);
  });
}

test('a second round comes from the cache and still matches', async () => {
  for (const [name, type] of QUESTIONS) {
    const a = summary(await ask(OURS, name, type));
    const b = summary(await ask(THEIRS, name, type));
    assert.equal(a.rcode, b.rcode, `${type} ${name}`);
    assert.deepEqual(a.answers.sort(), b.answers.sort(), `${type} ${name}`);
  }
});

test('the week cap: a 9999999 s record comes back with at most 604800', async () => {
  const ours = await ask(OURS, 'long.test', 'A');
  assert.ok(ours.answers.length === 1 && ours.answers[0]!.ttl <= 604800 && ours.answers[0]!.ttl > 600000);
});

test('large TXT: truncated over UDP by both, complete over TCP from both', async () => {
  const q = queryPacket('big.zone.test', 'TXT');
  const udpOurs = await udpExchange(OURS, q, '127.0.0.1', 30000);
  const udpTheirs = await udpExchange(THEIRS, q, '127.0.0.1', 30000);
  assert.ok(udpOurs && udpTheirs);
  // TC set, everything after the question cut, the header's counts left as they were.
  assert.equal(udpOurs[2]! & 2, 2);
  assert.equal(udpTheirs[2]! & 2, 2);
  assert.deepEqual(udpOurs.subarray(2), udpTheirs.subarray(2));
  const tcpOurs = await tcpExchange(OURS, q);
  const tcpTheirs = await tcpExchange(THEIRS, q);
  assert.ok(tcpOurs && tcpTheirs);
  const a = summary(dnsPacket.decode(tcpOurs));
  assert.deepEqual(a.answers.sort(), summary(dnsPacket.decode(tcpTheirs)).answers.sort());
  assert.equal(a.answers.length, BIG_TXT.length);
  assert.equal(tcpOurs.length, tcpTheirs.length);
});
