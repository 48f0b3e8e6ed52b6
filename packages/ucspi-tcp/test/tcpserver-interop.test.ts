import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { run, runChecked } from '@fortress/test-support/run';
import { tempDir } from '@fortress/test-support/temp-dir';
import { bin, debianClient, fetchText, Server } from './helpers.js';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.stop();
});

function start(args: string[], debian = false): Server {
  const s = debian ? new Server('/usr/bin/tcpserver', args) : Server.ours(args);
  servers.push(s);
  return s;
}

function dir(): string {
  return tempDir('ucspi-tcp');
}

const ENV_SCRIPT = 'env | grep -E "^(PROTO|TCP|RULE)" | sort';

test('tcpserver: Debian tcpclient gets the socket on fd 0/1 and exactly the original environment and -v lines', async () => {
  const ours = start(['-v', '-1', '-HRl0', '127.0.0.1', '0', 'sh', '-c', `${ENV_SCRIPT}; read line; echo "got $line"`]);
  const port = await ours.port();
  const out = await debianClient(port, 'echo hello >&7; cat <&6');
  const env = Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => l.split('=') as [string, string]),
  );
  assert.deepEqual(Object.keys(env).sort(), [
    'PROTO',
    'TCPLOCALHOST',
    'TCPLOCALIP',
    'TCPLOCALPORT',
    'TCPREMOTEIP',
    'TCPREMOTEPORT',
  ]);
  assert.equal(env.PROTO, 'TCP');
  assert.equal(env.TCPLOCALHOST, '0');
  assert.equal(env.TCPLOCALIP, '127.0.0.1');
  assert.equal(env.TCPLOCALPORT, String(port));
  assert.equal(env.TCPREMOTEIP, '127.0.0.1');
  assert.match(out, /got hello\n$/);
  const end = await ours.waitLog(/tcpserver: end (\d+) status 0\ntcpserver: status: 0\/40\n/);
  const pid = end[1];
  assert.deepEqual(ours.lines(), [
    'tcpserver: status: 0/40',
    'tcpserver: status: 1/40',
    `tcpserver: pid ${pid} from 127.0.0.1`,
    `tcpserver: ok ${pid} 0:127.0.0.1:${port} :127.0.0.1::${env.TCPREMOTEPORT}`,
    `tcpserver: end ${pid} status 0`,
    'tcpserver: status: 0/40',
  ]);
});

test('tcpserver: PROGRAM runs with default signal dispositions and a blocking socket', async () => {
  const ours = start([
    '-1',
    '-HRl0',
    '127.0.0.1',
    '0',
    'sh',
    '-c',
    'grep SigIgn /proc/self/status; read x; echo "read $x"',
  ]);
  const port = await ours.port();
  const out = await debianClient(port, 'sleep 0.2; echo later >&7; cat <&6');
  // SIGPIPE (bit 13) and SIGXFSZ (bit 25) are ignored by Node; the child must not inherit that.
  const ignored = BigInt(`0x${/SigIgn:\s*([0-9a-f]+)/.exec(out)?.[1]}`);
  assert.equal(ignored & (1n << 12n), 0n);
  assert.equal(ignored & (1n << 24n), 0n);
  assert.match(out, /read later/);
});

test('tcpserver: our cdb is read by Debian tcpserver, Debian cdb by ours (variables and deny)', async () => {
  const d = dir();
  const rules = '127.0.0.1:allow,RULEVAR="from rules",TCPLOCALHOST="overridden"\n127.0.0.0/8:deny\n::1:deny\n';
  writeFileSync(join(d, 'rules.txt'), rules);
  await runChecked(['sh', '-c', `${process.execPath} ${bin('tcprules')} ${d}/ours.cdb ${d}/ours.tmp < ${d}/rules.txt`]);
  const deb = 'tcprules: IPv4 lines only\n127.0.0.1:allow,RULEVAR="from rules",TCPLOCALHOST="overridden"\n';
  writeFileSync(join(d, 'deb.txt'), deb.split('\n').slice(1).join('\n'));
  await runChecked(['sh', '-c', `/usr/bin/tcprules ${d}/deb.cdb ${d}/deb.tmp < ${d}/deb.txt`]);
  for (const [debian, cdb] of [
    [true, 'ours.cdb'],
    [false, 'deb.cdb'],
  ] as const) {
    const s = start(['-1', '-HRl0', '-x', join(d, cdb), '127.0.0.1', '0', 'sh', '-c', ENV_SCRIPT], debian);
    const out = await debianClient(await s.port(), 'cat <&6');
    assert.match(out, /^RULEVAR=from rules$/m, `${debian ? 'Debian' : 'ours'} reading ${cdb}`);
    assert.match(out, /^TCPLOCALHOST=overridden$/m);
  }
  // The CIDR line of our cdb denies a client at 127.0.0.2 in Debian's tcpserver too.
  const s = start(['-1', '-HRl0', '-x', join(d, 'ours.cdb'), '127.0.0.2', '0', 'sh', '-c', 'echo served'], true);
  const out = await debianClient(await s.port(), 'cat <&6', '127.0.0.2');
  assert.equal(out, '');
});

test('tcpclient: ours against Debian tcpserver, fd 6 and 7 and the TCP variables', async () => {
  const deb = start(['-1', '-HRl0', '127.0.0.1', '0', 'sh', '-c', 'read x; echo "debian got $x"'], true);
  const port = await deb.port();
  const { stdout } = await runChecked([
    process.execPath,
    bin('tcpclient'),
    '-HRl0',
    '127.0.0.1',
    String(port),
    'sh',
    '-c',
    `echo ping >&7; cat <&6; ${ENV_SCRIPT}`,
  ]);
  assert.match(stdout, /^debian got ping$/m);
  assert.match(stdout, /^PROTO=TCP$/m);
  assert.match(stdout, new RegExp(`^TCPREMOTEPORT=${port}$`, 'm'));
  assert.match(stdout, /^TCPREMOTEIP=127.0.0.1$/m);
  assert.match(stdout, /^TCPLOCALIP=127.0.0.1$/m);
  assert.match(stdout, /^TCPLOCALHOST=0$/m);
  assert.doesNotMatch(stdout, /TCPREMOTEHOST|TCPREMOTEINFO/);
});

test('tcpclient -i/-p: the chosen local address and port reach the server', async () => {
  const s = start(['-1', '-HRl0', '127.0.0.1', '0', 'sh', '-c', 'echo "$TCPREMOTEIP $TCPREMOTEPORT"']);
  const port = await s.port();
  const free = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.8', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  const { stdout } = await runChecked([
    process.execPath,
    bin('tcpclient'),
    '-HRl0',
    '-i',
    '127.0.0.8',
    '-p',
    String(free),
    '127.0.0.1',
    String(port),
    'sh',
    '-c',
    'cat <&6; echo "local $TCPLOCALIP $TCPLOCALPORT"',
  ]);
  assert.equal(stdout, `127.0.0.8 ${free}\nlocal 127.0.0.8 ${free}\n`);
});

test('tcpclient: refused connection and missing program as the original', async () => {
  const closed = start(['-1', '-HRl0', '127.0.0.1', '0', 'true']);
  const port = await closed.port();
  closed.stop();
  await closed.exited();
  const outcome = async (cmd: string[]) => {
    const r = await run(cmd);
    return r.code === 0 ? [0, ''] : [r.code, r.stderr];
  };
  for (const args of [
    ['-HRl0', '127.0.0.1', String(port), 'true'],
    ['-HRl0', '127.0.0.1', String(port)],
    ['-HRl0', '127.0.0.1', String(port), '/nonexistent/program'],
  ]) {
    const ours = await outcome([process.execPath, bin('tcpclient'), ...args]);
    const theirs = await outcome(['/usr/bin/tcpclient', ...args]);
    assert.deepEqual(ours, theirs, args.join(' '));
  }
});

test('tcpserver: IPv6 ::1 with IPv6 rules, our tcpclient, PROTO=TCP6', async () => {
  const d = dir();
  writeFileSync(join(d, 'rules.txt'), '::1:allow,RULEV6="yes"\n');
  await runChecked(['sh', '-c', `${process.execPath} ${bin('tcprules')} ${d}/r.cdb ${d}/r.tmp < ${d}/rules.txt`]);
  const s = start(['-1', '-HRl0', '-x', join(d, 'r.cdb'), '::1', '0', 'sh', '-c', ENV_SCRIPT]);
  const port = await s.port();
  const { stdout } = await runChecked([
    process.execPath,
    bin('tcpclient'),
    '-HRl0',
    '::1',
    String(port),
    'sh',
    '-c',
    'cat <&6',
  ]);
  assert.match(stdout, /^PROTO=TCP6$/m);
  assert.match(stdout, /^TCPREMOTEIP=::1$/m);
  assert.match(stdout, /^TCP6REMOTEIP=::1$/m);
  assert.match(stdout, /^RULEV6=yes$/m);
});

test('tcpserver -m: in-process handler under the same rules, with the environment', async () => {
  const d = dir();
  writeFileSync(
    join(d, 'handler.mjs'),
    [
      'export function handler(socket, env) {',
      '  if (env.TCPREMOTEIP === "127.0.0.5") throw new Error("boom");',
      '  if (env.TCPREMOTEIP === "127.0.0.6") { socket.on("data", () => { throw new Error("late boom"); }); return; }',
      '  socket.end("in-process " + env.TCPREMOTEIP + " " + env.RULEVAR + "\\n");',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(d, 'rules.txt'), '127.0.0.1:allow,RULEVAR="r"\n127.0.0.3:deny\n');
  await runChecked(['sh', '-c', `${process.execPath} ${bin('tcprules')} ${d}/r.cdb ${d}/r.tmp < ${d}/rules.txt`]);
  const s = start(['-1', '-v', '-HRl0', '-x', join(d, 'r.cdb'), '-m', join(d, 'handler.mjs'), '0', '0']);
  const port = await s.port();
  assert.equal(await fetchText(port, '127.0.0.1'), 'in-process 127.0.0.1 r\n');
  assert.equal(await fetchText(port, '127.0.0.1', undefined, '127.0.0.3'), '');
  await s.waitLog(/tcpserver: deny 0 0:127\.0\.0\.1:\d+ :127\.0\.0\.3::\d+\n/);
  await s.waitLog(/tcpserver: end \d+ status 0\n/);
  // A handler that throws, at once or later, loses its connection; the server goes on.
  assert.equal(await fetchText(port, '127.0.0.1', undefined, '127.0.0.5'), '');
  await s.waitLog(/tcpserver: warning: handler failed: boom\n/);
  await fetchText(port, '127.0.0.1', 'data', '127.0.0.6').catch(() => '');
  await s.waitLog(/tcpserver: warning: handler failed: late boom\n/);
  assert.equal(await fetchText(port, '127.0.0.1'), 'in-process 127.0.0.1 r\n');
  assert.equal(s.exitCode, undefined);
});
