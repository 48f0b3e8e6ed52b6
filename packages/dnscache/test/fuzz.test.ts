// Thousands of random and mutated packets over UDP and TCP, and mutated answers from upstream:
// the process stays up and keeps answering.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { dnsPacket, Lab, OUR_DNSCACHE, type Proc, queryPacket, udpExchange, waitFor } from './lab.js';

const BASE = '127.53.6';
const TINY = `${BASE}.1`;
const FAKE = `${BASE}.2`;
const OURS = `${BASE}.10`;
const lab = new Lab();
let ours: Proc;
let fake: Socket;

// A small deterministic generator, so a failure can be replayed.
let state = 0x12345678;
function rand(n: number): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
}

function randomBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rand(256);
  return b;
}

function mutate(packet: Buffer): Buffer {
  const b = Buffer.from(packet);
  const edits = 1 + rand(4);
  for (let i = 0; i < edits; i++) {
    const kind = rand(4);
    if (kind === 0) b[rand(b.length)] = rand(256);
    else if (kind === 1) b[rand(b.length)]! ^= 1 << rand(8);
    else if (kind === 2) return b.subarray(0, rand(b.length));
    else b[12 + rand(Math.max(1, b.length - 12))] = 0xc0 | rand(64);
  }
  b[2]! |= 1; // keep RD so most get past the first check
  return b;
}

const SAMPLES = [
  queryPacket('www.test', 'A'),
  queryPacket('alias.test', 'CNAME'),
  queryPacket('deep.name.under.test', 'MX'),
  queryPacket('x.fuzz', 'TXT'),
];

before(async () => {
  await lab.tinydns(TINY, `.test:${TINY}:a\n+www.test:127.0.0.11:300\nCalias.test:www.test:60\n`);
  fake = createSocket('udp4');
  await new Promise<void>((resolve) => fake.bind({ address: FAKE, port: 53 }, resolve));
  // Upstream for fuzz.: a valid answer, mutated.
  fake.on('message', (msg, rinfo) => {
    try {
      const q = dnsPacket.decode(msg);
      const good = dnsPacket.encode({
        type: 'response',
        id: q.id,
        flags: 0x0400,
        questions: q.questions,
        answers: [{ name: q.questions[0]!.name, type: 'CNAME', class: 'IN', ttl: 30, data: 'a.b.fuzz' }],
        authorities: [{ name: 'fuzz', type: 'NS', class: 'IN', ttl: 30, data: 'ns.fuzz' }],
        additionals: [{ name: 'ns.fuzz', type: 'A', class: 'IN', ttl: 30, data: FAKE }],
      });
      const bad = mutate(good);
      bad.writeUInt16BE(q.id, 0);
      fake.send(bad, rinfo.port, rinfo.address);
    } catch {
      // A question dns-packet cannot decode (the fuzz sends some) gets no fake answer: on purpose.
    }
  });
  lab.onCleanup(() => fake.close());
  ours = await lab.dnscache(OUR_DNSCACHE, OURS, lab.cacheRoot('ours', ['127'], { '@': [TINY], fuzz: [FAKE] }));
});
after(() => lab.cleanup());

// After a flood the socket's receive queue may still be full and drop a question, as it would
// for any UDP server: ask again until answered, as a client does.
async function stillAnswers(): Promise<void> {
  assert.ok(ours.alive(), ours.out.slice(-2000));
  const reply = await waitFor(
    `an answer; log ends: ${ours.out.slice(-300)}`,
    () => udpExchange(OURS, queryPacket('www.test', 'A'), '127.53.6.99', 2000),
    60000,
  );
  assert.equal(dnsPacket.decode(reply!).answers[0]?.data, '127.0.0.11');
  assert.ok(ours.alive());
}

test('UDP: 6000 random and mutated packets', async () => {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind({ address: '127.53.6.50', port: 0 }, resolve));
  s.on('message', () => {});
  for (let i = 0; i < 6000; i++) {
    const packet = i % 2 ? randomBytes(rand(700)) : mutate(SAMPLES[rand(SAMPLES.length)]!);
    await new Promise<void>((resolve) => s.send(packet, 53, OURS, () => resolve()));
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  s.close();
  await stillAnswers();
});

test('TCP: 400 connections with random and mutated streams', async () => {
  for (let i = 0; i < 400; i++) {
    const payload =
      i % 3 === 0
        ? randomBytes(rand(600))
        : (() => {
            const q = mutate(SAMPLES[rand(SAMPLES.length)]!);
            const framed = Buffer.alloc(q.length + 2);
            framed.writeUInt16BE(i % 3 === 1 ? q.length : rand(65536));
            q.copy(framed, 2);
            return framed;
          })();
    await new Promise<void>((resolve) => {
      const c = connect({ host: OURS, port: 53, localAddress: '127.53.6.51' });
      const done = () => {
        c.destroy();
        resolve();
      };
      c.on('error', done);
      c.on('close', done);
      c.on('connect', () => {
        c.write(payload);
        c.end();
      });
      setTimeout(done, 200);
    });
  }
  await stillAnswers();
});

test('mutated upstream answers do not disturb it', async () => {
  for (let i = 0; i < 300; i++) {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind({ address: '127.53.6.52', port: 0 }, resolve));
    s.send(queryPacket(`q${i}.fuzz`, ['A', 'MX', 'TXT', 'NS'][i % 4]!), 53, OURS);
    setTimeout(() => s.close(), 100);
  }
  await waitFor(
    'upstream questions',
    () => ours.lines.filter((l) => l.startsWith('tx 0') && l.includes('.fuzz.')).length >= 250,
  );
  await stillAnswers();
});
