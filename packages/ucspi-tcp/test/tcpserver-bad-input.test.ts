import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bin, debianClient, execFileAsync, fetchText, Server, tempDir, tryConnect, waitFor } from './helpers.js';

const servers: Server[] = [];
const dirs: Array<{ remove: () => void }> = [];
const blockers: NetServer[] = [];
after(() => {
  for (const s of servers) s.stop();
  for (const d of dirs) d.remove();
  for (const b of blockers) b.close();
});

function start(args: string[], debian = false): Server {
  const s = debian ? new Server('/usr/bin/tcpserver', args) : Server.ours(args);
  servers.push(s);
  return s;
}

function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d.path;
}

async function rulesCdb(d: string, text: string): Promise<string> {
  writeFileSync(join(d, 'rules.txt'), text);
  await execFileAsync('sh', [
    '-c',
    `${process.execPath} ${bin('tcprules')} ${d}/rules.cdb ${d}/rules.tmp < ${d}/rules.txt`,
  ]);
  return join(d, 'rules.cdb');
}

/** Both servers with the same arguments until they exit: [exit code, stderr] each. */
async function bothFail(args: string[]): Promise<[[number | null, string], [number | null, string]]> {
  const ours = start(args);
  const theirs = start(args, true);
  return [
    [await ours.exited(), ours.stderr],
    [await theirs.exited(), theirs.stderr],
  ];
}

test('tcpserver: bound to 127.0.0.2 it does not answer on 127.0.0.1 or 127.0.0.3', async () => {
  const s = start(['-1', '-HRl0', '127.0.0.2', '0', 'sh', '-c', 'echo here']);
  const port = await s.port();
  assert.equal(await fetchText(port, '127.0.0.2'), 'here\n');
  assert.equal(await tryConnect(port, '127.0.0.1'), 'ECONNREFUSED');
  assert.equal(await tryConnect(port, '127.0.0.3'), 'ECONNREFUSED');
  // After -1 the server lets go of stdout, so a reader of the port sees end of file.
  await waitFor('stdout closed by the running server', () => s.stdoutClosed);
  assert.equal(s.stdout, `${port}\n`);
  assert.equal(s.exitCode, undefined);
});

test('tcpserver: port in use, address not local, unknown port name: the original messages, exit 111', async () => {
  const blocker = createServer();
  blockers.push(blocker);
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = String((blocker.address() as { port: number }).port);
  const [inUse, inUseDebian] = await bothFail(['-HRl0', '127.0.0.1', port, 'true']);
  assert.deepEqual(inUse, [111, 'tcpserver: fatal: unable to bind: address already used\n']);
  assert.deepEqual(inUse, inUseDebian);
  // 192.0.2.1 (TEST-NET-1) is on no interface here: bind fails before any packet is sent.
  const [notLocal, notLocalDebian] = await bothFail(['-HRl0', '192.0.2.1', '0', 'true']);
  assert.deepEqual(notLocal, [111, 'tcpserver: fatal: unable to bind: address not available\n']);
  assert.deepEqual(notLocal, notLocalDebian);
  const [badPort, badPortDebian] = await bothFail(['-HRl0', '127.0.0.1', 'no-such-service-name', 'true']);
  assert.deepEqual(badPort, [111, 'tcpserver: fatal: unable to figure out port number for no-such-service-name\n']);
  assert.deepEqual(badPort, badPortDebian);
});

test('tcpserver: unknown account, usage errors and a name missing from /etc/hosts', async () => {
  const unknown = start(['-HRl0', '-u', 'no-such-account-xyz', '127.0.0.1', '0', 'true']);
  assert.equal(await unknown.exited(), 111);
  assert.equal(unknown.stderr, 'tcpserver: fatal: unknown account no-such-account-xyz\n');
  const group = start(['-HRl0', '-g', 'no-such-group-xyz', '127.0.0.1', '0', 'true']);
  assert.equal(await group.exited(), 111);
  assert.equal(group.stderr, 'tcpserver: fatal: unknown group no-such-group-xyz\n');
  for (const args of [[], ['127.0.0.1', '0'], ['-c'], ['-Z', '127.0.0.1', '0', 'true']]) {
    const s = start(args);
    assert.equal(await s.exited(), 100, args.join(' '));
    // getopt's line first for -c and -Z, as the original (getopt-compat.test.ts compares them).
    assert.match(
      s.stderr,
      /^(tcpserver: (illegal option|option requires an argument) -- [cZ]\n)?tcpserver: usage: tcpserver \[ -1UXpPhHrRoOdDqQv \]/,
    );
  }
  const noName = start(['-HRl0', 'no-such-host.invalid', '0', 'true']);
  assert.equal(await noName.exited(), 111);
  assert.equal(noName.stderr, 'tcpserver: fatal: no IP address for no-such-host.invalid\n');
  const local = start(['-1', '-HRl0', 'localhost', '0', 'sh', '-c', 'echo $TCPLOCALIP']);
  assert.match(await fetchText(await local.port(), '127.0.0.1'), /^127\.0\.0\.1\n$/);
});

test('tcpserver: denied connections never run PROGRAM; the banner is sent first; -v lines', async () => {
  const d = dir();
  const cdb = await rulesCdb(d, '127.0.0.1:deny\n:allow\n');
  const marker = join(d, 'ran');
  const s = start(['-1', '-v', '-B', 'banner\n', '-HRl0', '-x', cdb, '127.0.0.1', '0', 'sh', '-c', `touch ${marker}`]);
  const port = await s.port();
  assert.equal(await debianClient(port, 'cat <&6'), 'banner\n');
  await s.waitLog(/tcpserver: end 0 status 25600\ntcpserver: status: 0\/40\n/);
  assert.match(s.stderr, new RegExp(`tcpserver: deny 0 0:127\\.0\\.0\\.1:${port} :127\\.0\\.0\\.1::\\d+\\n`));
  assert.equal(existsSync(marker), false);
  // The same rules file allows another address, proving PROGRAM itself works.
  await debianClient(port, 'cat <&6', '127.0.0.1', '127.0.0.9');
  await waitFor('PROGRAM for the allowed client', () => existsSync(marker));
});

test('tcpserver: the rules file is re-read per connection; missing and corrupt files as the original', async () => {
  const d = dir();
  const cdb = await rulesCdb(d, ':allow,VERSION="1"\n');
  const s = start(['-1', '-HRl0', '-x', cdb, '127.0.0.1', '0', 'sh', '-c', 'echo "v$VERSION"']);
  const port = await s.port();
  assert.equal(await fetchText(port), 'v1\n');
  await rulesCdb(d, ':allow,VERSION="2"\n');
  assert.equal(await fetchText(port), 'v2\n');
  await rulesCdb(d, ':deny\n');
  assert.equal(await fetchText(port), '');

  for (const [name, content] of [
    ['missing.cdb', undefined],
    ['corrupt.cdb', 'not a cdb'],
  ] as const) {
    const file = join(d, name);
    if (content !== undefined) writeFileSync(file, content);
    const ours = start(['-1', '-HRl0', '-x', file, '127.0.0.1', '0', 'echo', 'served']);
    const theirs = start(['-1', '-HRl0', '-x', file, '127.0.0.1', '0', 'echo', 'served'], true);
    assert.equal(await fetchText(await ours.port()), '');
    assert.equal(await fetchText(await theirs.port()), '');
    await waitFor('both warnings', () => ours.stderr.includes('\n') && theirs.stderr.includes('\n'));
    assert.equal(ours.stderr, theirs.stderr, name);
    assert.match(ours.stderr, new RegExp(`^tcpserver: warning: dropping connection, unable to read ${file}: `));
  }
  const allowMissing = start(['-1', '-X', '-HRl0', '-x', join(d, 'missing.cdb'), '127.0.0.1', '0', 'echo', 'served']);
  assert.equal(await fetchText(await allowMissing.port()), 'served\n');
});

test('tcpserver: clients that connect and reset at once do not disturb the server', async () => {
  const s = start(['-1', '-c', '3', '-HRl0', '127.0.0.1', '0', 'sh', '-c', 'echo ok']);
  const port = await s.port();
  await Promise.all(
    Array.from(
      { length: 30 },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port });
          socket.on('connect', () => socket.resetAndDestroy());
          socket.on('error', () => {});
          socket.on('close', () => resolve());
        }),
    ),
  );
  assert.equal(await fetchText(port), 'ok\n');
  assert.equal(await fetchText(port), 'ok\n');
  assert.equal(s.exitCode, undefined);
});

test('tcpserver: a PROGRAM that cannot run drops the connection with the original warning; SIGTERM exits 0', async () => {
  const ours = start(['-1', '-HRl0', '127.0.0.1', '0', '/nonexistent/program']);
  const theirs = start(['-1', '-HRl0', '127.0.0.1', '0', '/nonexistent/program'], true);
  assert.equal(await fetchText(await ours.port()), '');
  assert.equal(await fetchText(await theirs.port()), '');
  await waitFor('both warnings', () => ours.stderr.includes('\n') && theirs.stderr.includes('\n'));
  assert.equal(
    ours.stderr,
    'tcpserver: warning: dropping connection, unable to run /nonexistent/program: file does not exist\n',
  );
  assert.equal(ours.stderr, theirs.stderr);
  ours.child.kill('SIGTERM');
  assert.equal(await ours.exited(), 0);
});
