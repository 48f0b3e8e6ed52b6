import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runChecked, run as runProgram } from '@fortress/test-support/run';
import { tempDir } from '@fortress/test-support/temp-dir';
import { withCdbFile } from '@fortress/ucspi-tcp/cdb-read';
import { lookupRules } from '@fortress/ucspi-tcp/rules-lookup';
import { formatDecision } from '@fortress/ucspi-tcp/rules-report';
import { cdbRuleSource, textRuleSource } from '@fortress/ucspi-tcp/rules-source';
import { generateRules } from './generate.js';
import { bin, prng } from './helpers.js';

interface Client {
  ip: string;
  host?: string;
  info?: string;
}

function clientEnv(c: Client): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, TCPREMOTEIP: c.ip };
  if (c.host !== undefined) env.TCPREMOTEHOST = c.host;
  if (c.info !== undefined) env.TCPREMOTEINFO = c.info;
  return env;
}

/** Debian's tcprulescheck for every client, from one shell (fork+exec from sh is cheap). */
async function debianChecks(dir: string, cdb: string, clients: Client[]): Promise<string[]> {
  const script = clients
    .map((c) => {
      const vars = Object.entries(clientEnv(c))
        .filter(([k]) => k !== 'PATH')
        .map(([k, v]) => `${k}='${v}'`)
        .join(' ');
      return `${vars} /usr/bin/tcprulescheck ${cdb}; echo '%%'`;
    })
    .join('\n');
  writeFileSync(join(dir, 'check.sh'), `${script}\n`);
  const { stdout } = await runChecked(['/bin/sh', join(dir, 'check.sh')], {
    env: { PATH: process.env.PATH },
  });
  return stdout.split('%%\n').slice(0, clients.length);
}

function generateClients(seed: number, count: number): Client[] {
  const r = prng(seed);
  const n = (k: number) => Math.floor(r() * k);
  return Array.from({ length: count }, () => {
    const c: Client = { ip: `10.${n(5)}.${n(5)}.${n(18)}` };
    if (r() < 0.4) c.host = `h${n(6)}.example.${r() < 0.5 ? 'org' : 'net'}`;
    if (r() < 0.3) c.info = `u${n(4)}`;
    return c;
  });
}

test('tcprulescheck: decisions identical to Debian tcprulescheck on 400 generated rules × 2500 clients', async () => {
  const dir = tempDir('ucspi-tcp');
  const text = generateRules(7, 400);
  writeFileSync(join(dir, 'rules.txt'), text);
  const cdb = join(dir, 'rules.cdb');
  await runChecked(['sh', '-c', `/usr/bin/tcprules ${cdb} ${cdb}.tmp < ${dir}/rules.txt`]);
  const clients = generateClients(8, 2500);
  const expected = await debianChecks(dir, cdb, clients);
  assert.equal(expected.length, clients.length);
  const fromText = textRuleSource(text);
  let matched = 0;
  withCdbFile(cdb, (src) => {
    const fromCdb = cdbRuleSource(src);
    clients.forEach((c, i) => {
      const want = expected[i];
      assert.equal(formatDecision(lookupRules(fromCdb, c.ip, c.host, c.info)), want, JSON.stringify(c));
      assert.equal(formatDecision(lookupRules(fromText, c.ip, c.host, c.info)), want, `text ${JSON.stringify(c)}`);
      if (want?.startsWith('rule')) matched++;
    });
  });
  // The generated set must exercise rules, not just the default.
  assert.ok(matched > clients.length / 2, `only ${matched} matched a rule`);
  // And the program itself, on a sample, with both forms of input.
  for (const c of clients.slice(0, 8)) {
    const env = clientEnv(c);
    const a = await runChecked([process.execPath, bin('tcprulescheck'), cdb], { env });
    const b = await runChecked([process.execPath, bin('tcprulescheck'), '-t', join(dir, 'rules.txt')], {
      env,
    });
    const want = expected[clients.indexOf(c)];
    assert.equal(a.stdout, want);
    assert.equal(b.stdout, want);
  }
});

test('tcprulescheck: usage, unreadable file and default address as the original', async () => {
  const run = async (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await runProgram([cmd, ...args], { env: { PATH: process.env.PATH, ...env } });
    return [r.code, r.stdout, r.stderr];
  };
  const dir = tempDir('ucspi-tcp');
  assert.deepEqual(await run(process.execPath, [bin('tcprulescheck')]), await run('/usr/bin/tcprulescheck', []));
  const missing = join(dir, 'nonexist.cdb');
  const ours = await run(process.execPath, [bin('tcprulescheck'), missing]);
  assert.equal(ours[0], 111);
  assert.deepEqual(ours, await run('/usr/bin/tcprulescheck', [missing]));
  const cdb = join(dir, 'r.cdb');
  await runChecked(['sh', '-c', `printf '0.0.0.0:deny\\n' | /usr/bin/tcprules ${cdb} ${cdb}.tmp`]);
  const noIp = await run(process.execPath, [bin('tcprulescheck'), cdb]);
  assert.deepEqual(noIp, [0, 'rule 0.0.0.0:\ndeny connection\n', '']);
  assert.deepEqual(noIp, await run('/usr/bin/tcprulescheck', [cdb]));
});

test('tcprulescheck: IPv6 and CIDR rules, from the cdb and from the text (-t)', async () => {
  const dir = tempDir('ucspi-tcp');
  const text = [
    '::1:deny',
    '2001:db8::/32:allow,NET="doc"',
    '2001:db8:1::/48:allow,NET="doc1"',
    'fd00::/8:allow,NET="ula"',
    '::ffff:127.0.0.0/104:allow,NET="loop4"',
    '10.0.0.0/12:allow,NET="ten"',
    ':allow,NET="default"',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'rules.txt'), text);
  const cdb = join(dir, 'rules.cdb');
  await runChecked(['sh', '-c', `${process.execPath} ${bin('tcprules')} ${cdb} ${cdb}.tmp < ${dir}/rules.txt`]);
  const cases: Array<[string, string]> = [
    ['::1', 'rule ::1:\ndeny connection\n'],
    ['0:0:0:0:0:0:0:1', 'rule ::1:\ndeny connection\n'],
    ['2001:db8:1:2::5', 'rule 2001:db8:1::/48:\nset environment variable NET=doc1\nallow connection\n'],
    ['2001:DB8:2::5', 'rule 2001:db8::/32:\nset environment variable NET=doc\nallow connection\n'],
    ['fdab::1', 'rule fd00::/8:\nset environment variable NET=ula\nallow connection\n'],
    ['::ffff:127.1.2.3', 'rule 127.:\nset environment variable NET=loop4\nallow connection\n'],
    ['10.9.9.9', 'rule 10.9.:\nset environment variable NET=ten\nallow connection\n'],
    ['10.16.0.1', 'rule :\nset environment variable NET=default\nallow connection\n'],
    ['fe80::1', 'rule :\nset environment variable NET=default\nallow connection\n'],
  ];
  for (const [ip, want] of cases) {
    const env = { PATH: process.env.PATH, TCPREMOTEIP: ip };
    assert.equal((await runChecked([process.execPath, bin('tcprulescheck'), cdb], { env })).stdout, want, ip);
    const fromText = await runChecked([process.execPath, bin('tcprulescheck'), '-t', join(dir, 'rules.txt')], {
      env,
    });
    assert.equal(fromText.stdout, want, `-t ${ip}`);
  }
});
