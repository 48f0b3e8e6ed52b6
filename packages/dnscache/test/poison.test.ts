// Cache poisoning attempts against a fake upstream written here: answers with the wrong id, from
// the wrong port or address, or for another question are ignored; records outside the asked
// server's bailiwick are not cached; every upstream query has its own random id and port.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { ask, dnsPacket, Lab, OUR_DNSCACHE, type Proc, waitFor } from './lab.js';

const BASE = '127.53.5';
const FAKE = `${BASE}.1`;
const OTHER = `${BASE}.9`;
const OURS = `${BASE}.10`;
const lab = new Lab();
let ours: Proc;
let real: Socket;
let otherPort: Socket;
let otherAddress: Socket;
const seen: { port: number; id: number; name: string }[] = [];

interface Rr {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

function reply(q: ReturnType<typeof dnsPacket.decode>, id: number, answers: Rr[], additionals: Rr[] = []): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id,
    flags: 0x0400,
    questions: q.questions,
    answers: answers.map((a) => ({ ...a, class: 'IN' })),
    additionals: additionals.map((a) => ({ ...a, class: 'IN' })),
  });
}

function bindUdp(address: string, port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind({ address, port }, () => resolve(s));
  });
}

before(async () => {
  real = await bindUdp(FAKE, 53);
  otherPort = await bindUdp(FAKE, 5353);
  otherAddress = await bindUdp(OTHER, 53);
  real.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const name = q.questions[0]!.name.toLowerCase();
    seen.push({ port: rinfo.port, id: q.id, name });
    const fake = (ip: string) => [{ name: q.questions[0]!.name, type: 'A', ttl: 3000, data: ip }];
    if (name === 'www.test') {
      // Forgeries first, then the genuine answer with an out-of-bailiwick extra record.
      real.send(reply(q, (q.id + 1) & 0xffff, fake('6.6.6.1')), rinfo.port, rinfo.address);
      otherAddress.send(reply(q, q.id, fake('6.6.6.2')), rinfo.port, rinfo.address);
      otherPort.send(reply(q, q.id, fake('6.6.6.3')), rinfo.port, rinfo.address);
      const wrongName = dnsPacket.encode({
        type: 'response',
        id: q.id,
        flags: 0x0400,
        questions: [{ name: 'wwx.test', type: 'A', class: 'IN' }],
        answers: [{ name: 'wwx.test', type: 'A', class: 'IN', ttl: 3000, data: '6.6.6.4' }],
      });
      real.send(wrongName, rinfo.port, rinfo.address);
      setTimeout(() => {
        const extra = [
          { name: 'victim.other', type: 'A', ttl: 3000, data: '6.6.6.6' },
          { name: 'victim2.other', type: 'A', ttl: 3000, data: '6.6.6.7' },
        ];
        real.send(reply(q, q.id, fake('127.0.0.80'), extra), rinfo.port, rinfo.address);
      }, 50);
      return;
    }
    if (name === 'victim.other') {
      real.send(reply(q, q.id, fake('127.0.0.81')), rinfo.port, rinfo.address);
      return;
    }
    real.send(reply(q, q.id, fake('127.0.0.82')), rinfo.port, rinfo.address);
  });
  lab.onCleanup(() => {
    real.close();
    otherPort.close();
    otherAddress.close();
  });
  ours = await lab.dnscache(
    OUR_DNSCACHE,
    OURS,
    lab.cacheRoot('ours', ['127'], { '@': [FAKE], test: [FAKE], other: [FAKE] }),
  );
});
after(() => lab.cleanup());

test('forged answers (wrong id, port, address, question) are ignored; the genuine one is taken', async () => {
  const r = await ask(OURS, 'www.test', 'A');
  assert.deepEqual(
    r.answers.map((a) => a.data),
    ['127.0.0.80'],
  );
  const again = await ask(OURS, 'www.test', 'A');
  assert.deepEqual(
    again.answers.map((a) => a.data),
    ['127.0.0.80'],
  );
  assert.ok(!ours.out.includes('6.6.6') && !ours.out.includes('06060601'));
});

test('records outside the bailiwick of the server asked are not cached', async () => {
  const r = await ask(OURS, 'victim.other', 'A');
  assert.deepEqual(
    r.answers.map((a) => a.data),
    ['127.0.0.81'],
  );
  await waitFor('a question upstream', () => ours.lines.some((l) => l.startsWith('tx 0 1 victim.other. other.')));
  assert.ok(!ours.lines.some((l) => l.includes('victim2.other')));
});

test('every upstream query gets its own random id and source port', async () => {
  for (let i = 0; i < 12; i++) await ask(OURS, `n${i}.test`, 'A');
  const mine = seen.filter((s) => /^n\d+\.test$/.test(s.name));
  assert.equal(mine.length, 12);
  assert.ok(new Set(mine.map((s) => s.port)).size >= 11, JSON.stringify(mine));
  assert.ok(new Set(mine.map((s) => s.id)).size >= 11, JSON.stringify(mine));
  for (const s of mine) assert.ok(s.port >= 1025 && s.port <= 65534);
});
