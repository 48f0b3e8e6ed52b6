import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseInetdConf } from '@fortress/fortress/inetd/parse';
import { tempDir } from '@fortress/test-support/temp-dir';
import { FORTRESS, fortress } from './helpers.js';

const dir = tempDir('inetd');
after(() => {
  if (created) {
    try {
      execFileSync('userdel', ['ftestinetdlog'], { stdio: 'ignore', env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin' } });
    } catch {
      // gone
    }
  }
});
let created = false;

const SAMPLE = `# /etc/inetd.conf: a sample with every kind of line
#:INTERNAL: Internal services
echo		stream	tcp	nowait	root	internal
daytime		dgram	udp	wait	root	internal

#:STANDARD: These are standard services.
ftp		stream	tcp	nowait	root	/usr/sbin/tcpd	in.ftpd -l -a
telnet		stream	tcp6	nowait	telnetd.telnetd	/usr/sbin/tcpd	/usr/sbin/in.telnetd
finger		stream	tcp	nowait	nobody	/usr/sbin/tcpd	in.fingerd -w
talk		dgram	udp	wait	nobody.tty	/usr/sbin/in.talkd	in.talkd
#<off># login	stream	tcp	nowait	root	/usr/sbin/tcpd	in.rlogind
rstatd/1-5	dgram	rpc/udp	wait	root	/usr/sbin/tcpd	rpc.rstatd
mountd/1	stream	rpc/tcp	wait	root	/usr/sbin/rpc.mountd	rpc.mountd
imap2		stream	tcp	wait	root	/usr/sbin/imapd	imapd
gopher		stream	tcp	nowait	root	/usr/sbin/gopherd	gopherd -x
not-a-service	stream	tcp	nowait	root	/bin/true	true
8123		stream	tcp	nowait	www-data	/bin/echo	echo hello 'world'
`;

const SERVICES =
  'ftp 21/tcp\ntelnet 23/tcp\nfinger 79/tcp\ntalk 517/udp\nimap2 143/tcp imap\ngopher 70/tcp\necho 7/tcp\n';

test('parseInetdConf: TCP nowait lines convert, tcpd unwrapped; UDP, RPC, wait and internal lines do not', () => {
  const ports = new Map([
    ['ftp', 21],
    ['telnet', 23],
    ['finger', 79],
    ['imap2', 143],
    ['gopher', 70],
    ['echo', 7],
  ]);
  const { services, unconvertible } = parseInetdConf(SAMPLE, ports);
  assert.deepEqual(
    services.map((s) => [s.line, s.name, s.port, s.user, s.command.join(' ')]),
    [
      [7, 'ftp', 21, 'root', '/usr/sbin/in.ftpd -l -a'],
      [8, 'telnet', 23, 'telnetd', '/usr/sbin/in.telnetd'],
      [9, 'finger', 79, 'nobody', '/usr/sbin/in.fingerd -w'],
      [15, 'gopher', 70, 'root', '/usr/sbin/gopherd -x'],
      [17, '8123', 8123, 'www-data', "/bin/echo hello 'world'"],
    ],
  );
  assert.ok(services[1]?.notes.some((n) => /group of telnetd\.telnetd not kept/.test(n)));
  assert.ok(services[1]?.notes.some((n) => /account telnetd does not exist/.test(n)));
  assert.ok(!services[2]?.notes.some((n) => /does not exist/.test(n)), 'nobody exists');
  assert.ok(services[0]?.notes.some((n) => /tcpd dropped/.test(n)));
  assert.deepEqual(
    unconvertible.map((u) => [u.line, u.name, u.reason.split(':')[0]]),
    [
      [3, 'echo', "inetd's internal service"],
      [4, 'daytime', 'UDP service'],
      [10, 'talk', 'UDP service'],
      [12, 'rstatd/1-5', 'RPC service'],
      [13, 'mountd/1', 'RPC service'],
      [14, 'imap2', 'wait service'],
      [16, 'not-a-service', 'unknown service name not-a-service (not in /etc/services)'],
    ],
  );
});

test('import-inetd: one tcpserver service directory per TCP line, bound to the chosen address, the rest listed with why', () => {
  const conf = join(dir, 'inetd.conf');
  const services = join(dir, 'services');
  writeFileSync(conf, SAMPLE);
  writeFileSync(services, SERVICES);
  const target = join(dir, 'sv');
  const r = fortress(['import-inetd', conf, '--ip', '127.0.0.9', target, '--log-user', 'ftestinetdlog'], {
    ...process.env,
    FORTRESS_SERVICES: services,
  });
  created = r.stderr.includes('created account ftestinetdlog');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(target).sort(), ['8123', 'finger', 'ftp', 'gopher', 'telnet']);
  const finger = readFileSync(join(target, 'finger/run'), 'utf8');
  assert.match(finger, /^#\s+finger\s+stream\s+tcp\s+nowait\s+nobody\s+\/usr\/sbin\/tcpd\s+in\.fingerd -w$/m);
  assert.match(
    finger,
    /^exec envuidgid nobody tcpserver -vRHl0 -U -x rules\.cdb -c 40 -b 64 127\.0\.0\.9 79 \/usr\/sbin\/in\.fingerd -w$/m,
  );
  // inetd does no shell quoting: the quotes are part of the argument, and stay so under sh.
  assert.ok(
    readFileSync(join(target, '8123/run'), 'utf8').includes(` 127.0.0.9 8123 /bin/echo hello ''\\''world'\\'''\n`),
  );
  assert.match(
    readFileSync(join(target, 'finger/log/run'), 'utf8'),
    /exec setuidgid ftestinetdlog multilog-attach t \.\/main/,
  );
  assert.match(
    r.stdout,
    /^line 9: finger: .*\/sv\/finger: tcpserver on 127\.0\.0\.9:79 as nobody: \/usr\/sbin\/in\.fingerd -w$/m,
  );
  assert.match(r.stdout, /^line 4: daytime: cannot convert: UDP service: tcpserver serves TCP only/m);
  assert.match(r.stdout, /^line 12: rstatd\/1-5: cannot convert: RPC service: it needs the portmapper/m);
  assert.match(r.stdout, /^line 3: echo: cannot convert: inetd's internal service/m);
  assert.match(r.stdout, /^line 14: imap2: cannot convert: wait service/m);
});

test('import-inetd --dry-run writes nothing; a wildcard or foreign --ip is refused; usage', () => {
  const conf = join(dir, 'inetd2.conf');
  writeFileSync(conf, 'finger stream tcp nowait nobody /usr/sbin/in.fingerd in.fingerd\n');
  const target = join(dir, 'dry');
  const dry = fortress(['import-inetd', conf, '--ip', '127.0.0.9', target, '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /line 1: finger: .* tcpserver on 127\.0\.0\.9:79 as nobody/);
  assert.ok(!existsSync(target));
  const wild = fortress(['import-inetd', conf, '--ip', '0.0.0.0', target]);
  assert.equal(wild.status, 100);
  assert.match(wild.stderr, /refusing wildcard address 0\.0\.0\.0/);
  const foreign = fortress(['import-inetd', conf, '--ip', '192.0.2.1', target]);
  assert.equal(foreign.status, 100);
  assert.match(foreign.stderr, /not an address of this machine/);
  assert.ok(!existsSync(target));
  assert.equal(fortress(['import-inetd', conf, target]).status, 100);
  const missing = fortress(['import-inetd', join(dir, 'absent.conf'), '--ip', '127.0.0.9', target]);
  assert.equal(missing.status, 111);
  assert.match(missing.stderr, /unable to read .*absent\.conf: file does not exist/);
});

test('import-inetd warns about cleartext-password services and services run as root (issue 18)', () => {
  const conf = join(dir, 'inetd3.conf');
  writeFileSync(
    conf,
    'telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd\n' +
      'imap2 stream tcp nowait nobody /usr/sbin/imapd imapd\n' +
      'gopher stream tcp nowait nobody /usr/sbin/gopherd gopherd\n',
  );
  const services = join(dir, 'services3');
  writeFileSync(services, SERVICES);
  const r = fortress(['import-inetd', conf, '--ip', '127.0.0.9', join(dir, 'dry3'), '--dry-run'], {
    ...process.env,
    FORTRESS_SERVICES: services,
  });
  assert.equal(r.status, 0, r.stderr);
  const warnings = r.stdout.split('\n').filter((l) => l.includes(': warning: '));
  assert.deepEqual(warnings, [
    'line 1: telnet: warning: telnet sends passwords in cleartext, readable by anyone on the path: prefer ssh, or the protocol over TLS',
    'line 1: telnet: warning: runs as root: a flaw in in.telnetd gives away the machine; give it an account of its own',
    'line 2: imap2: warning: imap sends passwords in cleartext, readable by anyone on the path: prefer ssh, or the protocol over TLS',
  ]);
});

test('import-inetd as another user than root refuses before converting anything; --dry-run still plans', () => {
  // On stdin: the test's directory is not nobody's to read.
  const input = 'finger stream tcp nowait nobody /usr/sbin/in.fingerd in.fingerd\n';
  const asNobody = (more: string[]) =>
    spawnSync(
      'setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        process.execPath,
        FORTRESS,
        'import-inetd',
        '-',
        '--ip',
        '127.0.0.9',
        join(dir, 'nobody'),
        ...more,
      ],
      { encoding: 'utf8', input, timeout: 60_000 },
    );
  const r = asNobody([]);
  assert.equal(r.status, 100);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^fortress: fatal: conf needs root: /);
  const dry = asNobody(['--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^line 1: finger: .* tcpserver on 127\.0\.0\.9:79 as nobody/);
});
