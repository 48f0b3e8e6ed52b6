// The cache seen from outside: repeats answered without upstream traffic (per the log), TTLs
// counting down, negative answers cached, TTL 0 not cached, eviction at a small CACHESIZE,
// HIDETTL, and FORWARDONLY towards another cache.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ask, DEBIAN_DNSCACHE, Lab, OUR_DNSCACHE, type Proc, waitFor } from './lab.js';

const BASE = '127.53.4';
const TINY = `${BASE}.1`;
const lab = new Lab();
let ours: Proc;
let small: Proc;
let forwarder: Proc;
let debian: Proc;

const DATA = [
  `.test:${TINY}:a`,
  `+www.test:127.0.0.11:300`,
  `'txt.test:hello:60`,
  `+zero.test:127.0.0.12:0`,
  `+*.many.test:127.0.0.13:3000`,
  '',
].join('\n');

before(async () => {
  await lab.tinydns(TINY, DATA);
  const servers = { '@': [TINY] };
  ours = await lab.dnscache(OUR_DNSCACHE, `${BASE}.10`, lab.cacheRoot('ours', ['127'], servers));
  small = await lab.dnscache(OUR_DNSCACHE, `${BASE}.11`, lab.cacheRoot('small', ['127'], servers), {
    CACHESIZE: '1000',
  });
  await lab.dnscache(OUR_DNSCACHE, `${BASE}.12`, lab.cacheRoot('hidettl', ['127'], servers), { HIDETTL: '' });
  debian = await lab.dnscache(DEBIAN_DNSCACHE, `${BASE}.13`, lab.cacheRoot('upstream', ['127'], servers));
  forwarder = await lab.dnscache(
    OUR_DNSCACHE,
    `${BASE}.14`,
    lab.cacheRoot('forward', ['127'], { '@': [`${BASE}.13`] }),
    {
      FORWARDONLY: '1',
    },
  );
});
after(() => lab.cleanup());

function txCount(p: Proc, name: string): number {
  return p.lines.filter((l) => l.startsWith('tx ') && l.split(' ')[3] === name).length;
}

test("the log transcript is line for line that of Debian's dnscache", async () => {
  const questions: [string, string][] = [
    ['www.test', 'A'],
    ['www.test', 'A'],
    ['www.test', 'MX'],
    ['www.test', 'MX'],
    ['nx.test', 'A'],
    ['nx.test', 'A'],
    ['txt.test', 'TXT'],
    ['localhost', 'A'],
    ['test', 'NS'],
    ['a.ns.test', 'A'],
  ];
  for (const [name, type] of questions) {
    await ask(`${BASE}.10`, name, type);
    await ask(`${BASE}.13`, name, type);
  }
  const sent = (p: Proc) => p.lines.filter((l) => l.startsWith('sent ')).length;
  await waitFor('all sent lines', () => sent(ours) === questions.length && sent(debian) === questions.length);
  const normal = (p: Proc) =>
    p.lines.map((l) => l.replace(/^query (\d+) 7f000001:[0-9a-f]{4}:[0-9a-f]{4}/, 'query $1 CLIENT'));
  assert.deepEqual(normal(ours), normal(debian));
  assert.equal(txCount(ours, 'www.test.'), 2);
  assert.ok(ours.lines.includes('cached 1 www.test.'));
  assert.ok(ours.lines.includes('cached nxdomain nx.test.'));
});

test('TTLs of cached answers count down', async () => {
  // txt.test (TTL 60) may already be cached by the transcript test, and a second may have
  // passed since: the first TTL seen is at most 60, and a later answer must show a lower one.
  const first = (await ask(`${BASE}.10`, 'txt.test', 'TXT')).answers[0]!.ttl;
  assert.ok(first > 0 && first <= 60, `first TTL ${first}`);
  await waitFor('a lower TTL', async () => (await ask(`${BASE}.10`, 'txt.test', 'TXT')).answers[0]!.ttl < first);
});

test('NXDOMAIN is cached; TTL 0 records are not', async () => {
  assert.equal((await ask(`${BASE}.10`, 'nothere.test', 'A')).rcode, 'NXDOMAIN');
  assert.equal((await ask(`${BASE}.10`, 'nothere.test', 'A')).rcode, 'NXDOMAIN');
  await waitFor('cached nxdomain', () => ours.lines.includes('cached nxdomain nothere.test.'));
  assert.equal(txCount(ours, 'nothere.test.'), 1);
  for (let i = 0; i < 2; i++) {
    const r = await ask(`${BASE}.10`, 'zero.test', 'A');
    assert.equal(r.answers[0]!.data, '127.0.0.12');
    assert.equal(r.answers[0]!.ttl, 0);
  }
  await waitFor('two upstream questions for zero.test', () => txCount(ours, 'zero.test.') === 2);
});

test('a small CACHESIZE evicts the oldest entries; a large one keeps them', async () => {
  for (const p of [`${BASE}.10`, `${BASE}.11`]) await ask(p, 'first.many.test', 'A');
  for (let i = 0; i < 40; i++) {
    for (const p of [`${BASE}.10`, `${BASE}.11`]) await ask(p, `n${i}.many.test`, 'A');
  }
  for (const p of [`${BASE}.10`, `${BASE}.11`]) {
    assert.equal((await ask(p, 'first.many.test', 'A')).answers[0]!.data, '127.0.0.13');
  }
  await waitFor('the small cache to ask again', () => txCount(small, 'first.many.test.') === 2);
  assert.equal(txCount(ours, 'first.many.test.'), 1);
});

test('HIDETTL: every TTL in answers is 0', async () => {
  for (let i = 0; i < 2; i++) {
    const r = await ask(`${BASE}.12`, 'www.test', 'A');
    assert.equal(r.answers[0]!.data, '127.0.0.11');
    assert.equal(r.answers[0]!.ttl, 0);
  }
});

test('FORWARDONLY: asks the listed cache recursively and takes its answer', async () => {
  const r = await ask(`${BASE}.14`, 'www.test', 'A');
  assert.equal(r.answers[0]!.data, '127.0.0.11');
  await waitFor('tx to the upstream cache', () => forwarder.lines.some((l) => l === 'tx 0 1 www.test. . 7f35040d'));
});
