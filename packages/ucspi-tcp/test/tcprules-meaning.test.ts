// Issue 20.5: rule addresses that mean nothing are refused with a reason; `/0` is the default
// rule; messages carry the line's own bytes. Beside Debian's tcprules, tcprulescheck and
// tcpserver, which must read the cdb ours writes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bin, debianClient, Server, tempDir } from './helpers.js';

interface Run {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

function run(command: string, args: string[], input: Buffer, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env, encoding: 'buffer' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

const dir = tempDir();
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.stop();
  dir.remove();
});

const ours = (name: string, text: string | Buffer) =>
  run(
    process.execPath,
    [bin('tcprules'), join(dir.path, `${name}.cdb`), join(dir.path, `${name}.tmp`)],
    Buffer.from(text),
  );
const theirs = (name: string, text: string | Buffer) =>
  run('/usr/bin/tcprules', [join(dir.path, `${name}.cdb`), join(dir.path, `${name}.tmp`)], Buffer.from(text));
const check = async (name: string, ip: string, program = '/usr/bin/tcprulescheck') =>
  (
    await run(
      program === 'ours' ? process.execPath : program,
      program === 'ours' ? [bin('tcprulescheck'), join(dir.path, `${name}.cdb`)] : [join(dir.path, `${name}.cdb`)],
      Buffer.alloc(0),
      { PATH: process.env.PATH, TCPREMOTEIP: ip },
    )
  ).stdout.toString();

const refused: [line: string, reason: string, debianExit: number][] = [
  ['10.0.0.1/8:allow', '10.0.0.1/8 has host bits set: the network is 10.0.0.0/8', 0],
  ['10.0.0.0/abc:allow', 'prefix length abc is not a number', 0],
  ['10.0.0.0/33:allow', 'prefix length 33 is more than 32', 0],
  ['10.0.0/8:deny', '10.0.0 before /8 is not an IPv4 address', 0],
  ['info@10.0.0.0/8:deny', 'a prefix length cannot follow info@', 0],
  [':::allow', ':: is the unspecified address: no client has it', 100],
  ['fd00::1/8:allow', 'fd00::1/8 has host bits set: the network is fd00::/8', 100],
  ['::ffff:10.0.0.1/104:deny', '::ffff:10.0.0.1/104 has host bits set: the network is ::ffff:10.0.0.0/104', 100],
  ['::ffff:0:0/80:deny', '::ffff:0:0/80 mixes IPv4-mapped and other IPv6 addresses: use /96 or longer', 100],
];

for (const [line, reason, debianExit] of refused) {
  test(`tcprules refuses ${line} with a reason; Debian's exits ${debianExit}${debianExit === 0 ? ' with a key that never matches' : ''}`, async () => {
    const good = await ours('refused', '127.0.0.1:allow\n');
    assert.equal(good.code, 0);
    const before = readFileSync(join(dir.path, 'refused.cdb'));
    const text = `10.9.9.9:deny\n${line}\n`;
    const a = await ours('refused', text);
    assert.deepEqual(
      [a.code, a.stderr.toString()],
      [100, `tcprules: fatal: unable to parse this line: ${line}: ${reason}\n`],
    );
    assert.ok(readFileSync(join(dir.path, 'refused.cdb')).equals(before), 'the old cdb is left as it was');
    const b = await theirs('debian-refused', text);
    assert.equal(b.code, debianExit, b.stderr.toString());
    if (debianExit === 0) {
      // The original stores the text as a key: no client is ever matched by it.
      for (const ip of ['10.0.0.0', '10.0.0.1', '10.0.0.5'])
        assert.equal(await check('debian-refused', ip), 'default:\nallow connection\n', ip);
    }
  });
}

test('tcprules: 0.0.0.0/0 is the empty key (the default rule), the same cdb as Debian for ":deny"', async () => {
  const a = await ours('all', '0.0.0.0/0:deny\n');
  const b = await theirs('all-debian', ':deny\n');
  assert.deepEqual([a.code, b.code], [0, 0]);
  assert.ok(readFileSync(join(dir.path, 'all.cdb')).equals(readFileSync(join(dir.path, 'all-debian.cdb'))));
  assert.equal(await check('all', '192.0.2.7'), 'rule :\ndeny connection\n');
  // A host-name rule is more specific than the default rule, as for ":deny".
  const c = await ours('all-host', '0.0.0.0/0:deny\n=.example.com:allow\n');
  assert.equal(c.code, 0);
  const byHost = await run('/usr/bin/tcprulescheck', [join(dir.path, 'all-host.cdb')], Buffer.alloc(0), {
    TCPREMOTEIP: '192.0.2.7',
    TCPREMOTEHOST: 'www.example.com',
  });
  assert.equal(byHost.stdout.toString(), 'rule =.example.com:\nallow connection\n');
});

test('tcprules: ::/0 is every IPv6 client (not IPv4 ones); Debian refuses the line', async () => {
  const text = '::/0:allow,V6="1"\n:deny\n';
  const a = await ours('v6all', text);
  assert.equal(a.code, 0, a.stderr.toString());
  assert.equal(
    await check('v6all', '2001:db8::1', 'ours'),
    'rule ::/0:\nset environment variable V6=1\nallow connection\n',
  );
  assert.equal(await check('v6all', '::1', 'ours'), 'rule ::/0:\nset environment variable V6=1\nallow connection\n');
  assert.equal(await check('v6all', '10.0.0.1', 'ours'), 'rule :\ndeny connection\n');
  assert.equal(await check('v6all', '::ffff:10.0.0.1', 'ours'), 'rule :\ndeny connection\n');
  assert.equal(await check('v6all', '10.0.0.1'), 'rule :\ndeny connection\n', "Debian's tcprulescheck reads it");
  const b = await theirs('v6all-debian', text);
  assert.deepEqual(
    [b.code, b.stderr.toString()],
    [100, 'tcprules: fatal: unable to parse this line: ::/0:allow,V6="1"\n'],
  );
});

test('tcprules: messages carry the bytes of the line (0xff stays 0xff), as Debian', async () => {
  for (const line of [
    Buffer.from([0xff, 0x3a, 0x61, 0x6c, 0x6c, 0x6f, 0x77, 0x78]),
    Buffer.from('1.2.3.\xe9-3:allow', 'latin1'),
  ]) {
    const input = Buffer.concat([line, Buffer.from('\n')]);
    const a = await ours('bytes', input);
    const b = await theirs('bytes-debian', input);
    assert.deepEqual([a.code, b.code], [100, 100]);
    assert.ok(a.stderr.equals(b.stderr), `${a.stderr.toString('latin1')} vs ${b.stderr.toString('latin1')}`);
    assert.ok(a.stderr.includes(line));
  }
  const a = await ours('bytes', Buffer.from('10.0.0.0/\xff:deny\n', 'latin1'));
  assert.ok(
    a.stderr.equals(
      Buffer.from(
        'tcprules: fatal: unable to parse this line: 10.0.0.0/\xff:deny: prefix length \xff is not a number\n',
        'latin1',
      ),
    ),
  );
  writeFileSync(join(dir.path, 'bytes.txt'), Buffer.from('\xff:allowx\n', 'latin1'));
  const c = await run(process.execPath, [bin('tcprulescheck'), '-t', join(dir.path, 'bytes.txt')], Buffer.alloc(0));
  assert.ok(c.stderr.equals(Buffer.from('tcprulescheck: fatal: unable to parse this line: \xff:allowx\n', 'latin1')));
});

test("Debian's tcpserver reads the cdb ours writes: CIDR, exact and /0 rules", async () => {
  const rules = '127.0.0.4/30:allow,WHO="cidr"\n127.0.0.2:allow,WHO="two"\n0.0.0.0/0:deny\n';
  const a = await ours('served', rules);
  assert.equal(a.code, 0, a.stderr.toString());
  const host = '127.20.5.1';
  const server = new Server('/usr/bin/tcpserver', [
    '-1',
    '-HRl0',
    '-x',
    join(dir.path, 'served.cdb'),
    host,
    '0',
    'sh',
    '-c',
    'echo "who=$WHO"',
  ]);
  servers.push(server);
  const port = await server.port();
  assert.equal(await debianClient(port, 'cat <&6', host, '127.0.0.2'), 'who=two\n');
  assert.equal(await debianClient(port, 'cat <&6', host, '127.0.0.6'), 'who=cidr\n');
  assert.equal(await debianClient(port, 'cat <&6', host, '127.0.0.9'), '', 'denied by 0.0.0.0/0');
});
