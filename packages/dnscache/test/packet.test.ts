// Wire-format reading: names with compression, loops and bad labels, and the client question.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainFromText, domainSuffixPos, domainText } from '@fortress/dnscache/domain';
import { getName, packetName, parseQuery } from '@fortress/dnscache/packet';
import { globalIp } from '@fortress/dnscache/special';

test('names: plain, compressed, looping, too long, bad label type', () => {
  const plain = Buffer.from('\x03www\x04test\x00', 'latin1');
  assert.equal(getName(plain, plain.length, 0), plain.length);
  assert.equal(domainText(packetName()), 'www.test.');
  const compressed = Buffer.concat([plain, Buffer.from([3, 0x66, 0x74, 0x70, 0xc0, 4])]);
  assert.equal(getName(compressed, compressed.length, plain.length), compressed.length);
  assert.equal(domainText(packetName()), 'ftp.test.');
  const loop = Buffer.from([0xc0, 0]);
  assert.equal(getName(loop, 2, 0), 0);
  const badLabel = Buffer.from([0x40, 0]);
  assert.equal(getName(badLabel, 2, 0), 0);
  const long = Buffer.concat([
    Buffer.alloc(5, 0),
    ...Array.from({ length: 5 }, () => Buffer.from([63, ...Buffer.alloc(63, 97)])),
    Buffer.from([0]),
  ]);
  assert.equal(getName(long, long.length, 5), 0);
  assert.equal(getName(plain, 5, 0), 0);
});

test('log form of names: lowercase, `.` for the root, `?` for odd bytes', () => {
  assert.equal(domainText(Buffer.from([0])), '.');
  assert.equal(domainText(Buffer.from('\x03A\x20\xff\x00', 'latin1')), 'a??.');
  assert.equal(domainText(domainFromText('WWW.Test')!), 'www.test.');
});

test('suffixes are whole labels, case-insensitive', () => {
  const d = domainFromText('a.b.test')!;
  assert.equal(domainSuffixPos(d, domainFromText('B.TEST')!), 2);
  assert.equal(domainSuffixPos(d, domainFromText('')!), 9);
  assert.equal(domainSuffixPos(d, domainFromText('est')!), -1);
});

test('the client question: RD required, one question, class IN or ANY, no TC, no opcode', () => {
  const q = Buffer.from('ab\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x04test\x00\x00\x01\x00\x01', 'latin1');
  assert.deepEqual(parseQuery(q, q.length), { name: domainFromText('www.test'), type: 1, qclass: 1, id: 0x6162 });
  const variants: [number, number][] = [
    [2, 0x00],
    [2, 0x81],
    [2, 0x03],
    [2, 0x09],
    [5, 2],
    [q.length - 1, 3],
  ];
  for (const [at, value] of variants) {
    const v = Buffer.from(q);
    v[at] = value;
    assert.equal(parseQuery(v, v.length), undefined, `${at}=${value}`);
  }
  assert.equal(parseQuery(q, q.length - 1), undefined);
  assert.equal(parseQuery(q, 11), undefined);
});

test('dotted-decimal names and localhost', () => {
  assert.deepEqual(globalIp(domainFromText('1.2.3.4')!), Buffer.from([1, 2, 3, 4]));
  assert.deepEqual(globalIp(domainFromText('LOCALHOST')!), Buffer.from([127, 0, 0, 1]));
  for (const bad of ['1.2.3', '1.2.3.4.5', '1.2.3.256', '01.2.3.4', '1.2.3.x', '1234.1.1.1']) {
    assert.equal(globalIp(domainFromText(bad)!), undefined, bad);
  }
});
