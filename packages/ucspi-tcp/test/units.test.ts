import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getopt } from '@fortress/core/getopt';
import { clientAddressText, formatIPv6, parseIPv6 } from '@fortress/core/ipv6';
import { buildEnvironment, connectionVariables } from '@fortress/ucspi-tcp/connection-env';
import { parseIdentReply } from '@fortress/ucspi-tcp/ident';
import { decisionLine } from '@fortress/ucspi-tcp/log-line';
import { parseServerOptions } from '@fortress/ucspi-tcp/server-options';

test('getopt: clustered flags, attached and separate arguments, first operand ends options', () => {
  assert.deepEqual(getopt(['-HRl0', '-c', '5', '-x/r.cdb', 'h', 'p', '-v'], 'HRl:c:x:v'), {
    options: [
      ['H', undefined],
      ['R', undefined],
      ['l', '0'],
      ['c', '5'],
      ['x', '/r.cdb'],
    ],
    operands: ['h', 'p', '-v'],
  });
  assert.equal(getopt(['-Z'], 'HR').problem, 'illegal option -- Z');
  assert.equal(getopt(['-c'], 'c:').problem, 'option requires an argument -- c');
  assert.deepEqual(getopt(['--', '-H'], 'H')?.operands, ['-H']);
});

test('server options: the original defaults, last option wins, -U reads $UID/$GID', () => {
  const o = parseServerOptions(['0', '0', 'prog'], {});
  assert.ok(o);
  assert.deepEqual(
    [
      o.limit,
      o.backlog,
      o.lookupRemoteHost,
      o.ident,
      o.identTimeout,
      o.paranoid,
      o.verbosity,
      o.noDelay,
      o.keepIpOptions,
    ],
    [40, 20, true, true, 26, false, 1, false, false],
  );
  const p = parseServerOptions(['-vqHhRr', '-c', '3', '-c7', '-U', '0', '0', 'prog'], { UID: '12', GID: '34' });
  assert.deepEqual(
    [p?.verbosity, p?.lookupRemoteHost, p?.ident, p?.limit, p?.user, p?.group],
    [0, true, true, 7, '12', '34'],
  );
  assert.equal(parseServerOptions(['0', '0'], {}), undefined);
  assert.ok(parseServerOptions(['-m', 'h.js', '0', '0'], {}));
});

test('ipv6: parsing every textual form, canonical text, v4-mapped clients as IPv4', () => {
  assert.equal(formatIPv6(parseIPv6('2001:0DB8:0000:0000:0000:0000:0000:0001') as Uint8Array), '2001:db8::1');
  assert.equal(formatIPv6(parseIPv6('::') as Uint8Array), '::');
  assert.equal(formatIPv6(parseIPv6('1:0:0:2:0:0:0:3') as Uint8Array), '1:0:0:2::3');
  assert.equal(formatIPv6(parseIPv6('1:0:2:3:4:5:6:7') as Uint8Array), '1:0:2:3:4:5:6:7');
  assert.equal(parseIPv6('1.2.3.4'), undefined);
  assert.equal(clientAddressText('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(clientAddressText('FE80:0::1'), 'fe80::1');
  assert.equal(clientAddressText('10.1.2.3'), '10.1.2.3');
});

test('log line: fields sanitised and cut as the original; IP fields keep colons', () => {
  const line = decisionLine('ok', 42, {
    localHost: 'a:b%c d',
    localIp: '::1',
    localPort: 1,
    remoteHost: 'x'.repeat(120),
    remoteIp: '127.0.0.1',
    remoteInfo: undefined,
    remotePort: 2,
  });
  assert.equal(line, `tcpserver: ok 42 a?b?c?d:::1:1 ${'x'.repeat(100)}...:127.0.0.1::2\n`);
});

test('environment: unknown names left out, rule variables override, inherited TCP names replaced', () => {
  const vars = connectionVariables(
    {
      localHost: undefined,
      localIp: '127.0.0.1',
      localPort: 80,
      remoteHost: undefined,
      remoteIp: '127.0.0.2',
      remoteInfo: undefined,
      remotePort: 999,
    },
    false,
  );
  const env = buildEnvironment(['PATH=/bin'], vars, [
    ['TCPLOCALPORT', 'override'],
    ['EXTRA', ''],
  ]);
  assert.deepEqual(env.sort(), [
    'EXTRA=',
    'PATH=/bin',
    'PROTO=TCP',
    'TCPLOCALIP=127.0.0.1',
    'TCPLOCALPORT=override',
    'TCPREMOTEIP=127.0.0.2',
    'TCPREMOTEPORT=999',
  ]);
});

test('ident: USERID replies give the user, errors give nothing', () => {
  assert.equal(parseIdentReply('6191, 23 : USERID : UNIX : joe\r'), 'joe');
  assert.equal(parseIdentReply('6191, 23 : ERROR : NO-USER'), undefined);
  assert.equal(parseIdentReply('garbage'), undefined);
});
