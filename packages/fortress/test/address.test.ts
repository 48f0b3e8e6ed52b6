import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyAddress, formatIpv6, ipv6Groups, isLocalAddress, isWildcard } from '@fortress/fortress/address';
import { parseAllowList } from '@fortress/fortress/audit/allow-list';
import { decodeProcAddress, parseProcNet } from '@fortress/fortress/audit/proc-net';
import { findSuspect } from '@fortress/fortress/audit/suspects';

test('verdicts for IPv4 and IPv6 addresses', () => {
  const cases: [string, string][] = [
    ['0.0.0.0', 'wildcard'],
    ['::', 'wildcard'],
    ['127.0.0.1', 'loopback'],
    ['127.53.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'private'],
    ['169.254.3.4', 'link-local'],
    ['fe80::1', 'link-local'],
    ['8.8.8.8', 'public'],
    ['2001:db8::1', 'public'],
    ['224.0.0.251', 'multicast'],
  ];
  for (const [address, verdict] of cases) assert.equal(classifyAddress(address), verdict, address);
  assert.ok(isWildcard('0'));
  assert.ok(!isWildcard('127.0.0.1'));
});

test('/proc/net addresses decode in host byte order, IPv6 compressed', () => {
  assert.equal(decodeProcAddress('0100007F'), '127.0.0.1');
  assert.equal(decodeProcAddress('00000000'), '0.0.0.0');
  assert.equal(decodeProcAddress('00000000000000000000000001000000'), '::1');
  assert.equal(decodeProcAddress('00000000000000000000000000000000'), '::');
  assert.equal(decodeProcAddress('0000000000000000FFFF00000100007F'), '::ffff:127.0.0.1');
  assert.equal(decodeProcAddress('000080FE00000000FF005002FEFFB7E5'), 'fe80::250:ff:e5b7:fffe');
  assert.equal(formatIpv6(ipv6Groups('2001:db8:0:0:1:0:0:1') ?? []), '2001:db8::1:0:0:1');
});

test('parseProcNet keeps TCP listeners and unconnected UDP sockets only', () => {
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  const tcp =
    header +
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000   997        0 4242 1 0 100 0 0 10 0\n' +
    '   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000   997        0 4243 1 0 100 0 0 10 0\n';
  assert.deepEqual(parseProcNet(tcp, 'tcp', 4), [
    { proto: 'tcp', family: 4, address: '127.0.0.1', port: 8080, uid: 997, inode: 4242 },
  ]);
  const udp =
    header +
    '  10: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2 0 0\n' +
    '  11: 0100007F:A000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 98 2 0 0\n';
  assert.deepEqual(parseProcNet(udp, 'udp', 4), [
    { proto: 'udp', family: 4, address: '0.0.0.0', port: 53, uid: 0, inode: 99 },
  ]);
});

test('allow lists: PORT, PORT/tcp, PORT/udp; anything else is refused with the item named', () => {
  assert.deepEqual(parseAllowList('22/tcp, 68/udp,8080'), [
    { port: 22, proto: 'tcp' },
    { port: 68, proto: 'udp' },
    { port: 8080, proto: 'any' },
  ]);
  assert.throws(() => parseAllowList('22/sctp'), /22\/sctp/);
  assert.throws(() => parseAllowList('70000'), /70000/);
});

test('the usual suspects are flagged where they are exposed, not on loopback', () => {
  assert.equal(findSuspect('tcp', 6000, 'wildcard')?.name, 'X11');
  assert.equal(findSuspect('tcp', 6000, 'loopback'), undefined);
  assert.equal(findSuspect('tcp', 515, 'private')?.name, 'lpd');
  assert.equal(findSuspect('udp', 111, 'wildcard')?.name, 'portmapper');
  assert.equal(findSuspect('udp', 53, 'wildcard')?.name, 'DNS');
  assert.equal(findSuspect('udp', 53, 'private'), undefined);
});

test('local addresses: all of 127/8 and ::1 are; TEST-NET addresses are not', () => {
  assert.ok(isLocalAddress('127.0.0.1'));
  assert.ok(isLocalAddress('127.9.8.7'));
  assert.ok(isLocalAddress('::1'));
  assert.ok(!isLocalAddress('192.0.2.1'));
  assert.ok(!isLocalAddress('2001:db8::1'));
});
