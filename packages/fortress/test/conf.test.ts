import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findAccount } from '@fortress/fortress/conf/accounts';
import { tempDir } from '@fortress/test-support/temp-dir';
import { FORTRESS, fortress } from './helpers.js';

const dir = tempDir('conf');
const SERVICE_USER = 'ftestconfsvc';
const LOG_USER = 'ftestconflog';
const createdByUs: string[] = [];

after(() => {
  for (const name of createdByUs) {
    try {
      execFileSync('userdel', [name], { stdio: 'ignore', env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin' } });
    } catch {
      // already gone
    }
  }
});

function noteCreated(stderr: string): void {
  for (const m of stderr.matchAll(/created account (\S+)/g)) if (m[1]) createdByUs.push(m[1]);
}

function mode(path: string): string {
  return (statSync(path).mode & 0o7777).toString(8);
}

function owner(path: string): number {
  return statSync(path).uid;
}

test('conf dnscache: the dnscache-conf layout, modes and owners, accounts created when missing', () => {
  const target = join(dir, 'dnscache');
  const r = fortress([
    'conf',
    'dnscache',
    target,
    '--ip',
    '127.0.0.1',
    '--user',
    SERVICE_USER,
    '--log-user',
    LOG_USER,
    '--upstream',
    '127.0.0.2,127.0.0.3',
    '--forward-only',
    '--clients',
    '127.0.0.1,127.0.0.5',
  ]);
  noteCreated(r.stderr);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${target}\n`);
  const svc = findAccount(SERVICE_USER);
  const log = findAccount(LOG_USER);
  assert.ok(svc && log, 'both accounts exist');
  const passwd = readFileSync('/etc/passwd', 'utf8');
  assert.match(
    passwd,
    new RegExp(`^${LOG_USER}:x:\\d+:\\d+::/nonexistent:(/usr/sbin/nologin|/sbin/nologin|/bin/false)$`, 'm'),
  );
  assert.equal(mode(target), '3755');
  assert.equal(owner(target), 0);
  assert.equal(mode(join(target, 'run')), '755');
  assert.equal(owner(join(target, 'run')), 0);
  assert.match(readFileSync(join(target, 'run'), 'utf8'), new RegExp(`envuidgid ${SERVICE_USER} softlimit -o250`));
  assert.equal(
    readFileSync(join(target, 'log/run'), 'utf8').split('\n').at(-2),
    `exec setuidgid ${LOG_USER} multilog-attach t ./main`,
  );
  assert.equal(mode(join(target, 'log/main')), '2755');
  assert.equal(owner(join(target, 'log/main')), log.uid);
  assert.equal(statSync(join(target, 'log/main')).gid, log.gid);
  assert.equal(owner(join(target, 'log/status')), log.uid);
  assert.equal(mode(join(target, 'seed')), '600');
  assert.equal(statSync(join(target, 'seed')).size, 128);
  assert.equal(readFileSync(join(target, 'env/IP'), 'utf8'), '127.0.0.1\n');
  assert.equal(readFileSync(join(target, 'env/IPSEND'), 'utf8'), '0.0.0.0\n');
  assert.equal(readFileSync(join(target, 'env/ROOT'), 'utf8'), `${target}/root\n`);
  assert.equal(readFileSync(join(target, 'env/FORWARDONLY'), 'utf8'), '1\n');
  assert.ok(!existsSync(join(target, 'env/PORT')), 'no PORT file unless asked for');
  for (const f of readdirSync(join(target, 'env'))) assert.equal(owner(join(target, 'env', f)), 0);
  assert.equal(readFileSync(join(target, 'root/servers/@'), 'utf8'), '127.0.0.2\n127.0.0.3\n');
  assert.deepEqual(readdirSync(join(target, 'root/ip')).sort(), ['127.0.0.1', '127.0.0.5']);
  assert.equal(mode(join(target, 'root/ip/127.0.0.5')), '600');
  assert.ok(!readdirSync(dir).some((n) => n.startsWith('.')), 'no staging directory left behind');
});

test('conf dnscache with defaults: root servers as upstream, 127.0.0.1, no FORWARDONLY', () => {
  const target = join(dir, 'dnscache-default');
  const r = fortress(['conf', 'dnscache', target, '--user', SERVICE_USER, '--log-user', LOG_USER]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(target, 'env/IP'), 'utf8'), '127.0.0.1\n');
  assert.equal(readFileSync(join(target, 'root/servers/@'), 'utf8').trim().split('\n').length, 13);
  assert.ok(!existsSync(join(target, 'env/FORWARDONLY')));
  assert.deepEqual(readdirSync(join(target, 'root/ip')), ['127.0.0.1']);
});

test('conf tcpserver, httpd, fingerd: run binds the chosen address, rules deny all but the local net', () => {
  const cases: [string, string[], RegExp][] = [
    ['tcpserver', ['--command', 'cat /etc/hostname', '--port', '7001'], / 127\.0\.0\.9 7001 cat \/etc\/hostname$/m],
    ['httpd', ['--port', '7002'], / 127\.0\.0\.9 7002 fortress httpd \.\/public$/m],
    ['fingerd', ['--port', '7003'], / 127\.0\.0\.9 7003 fortress fingerd \/service$/m],
  ];
  for (const [template, extra, runLine] of cases) {
    const target = join(dir, template);
    const r = fortress([
      'conf',
      template,
      target,
      '--ip',
      '127.0.0.9',
      '--user',
      SERVICE_USER,
      '--log-user',
      LOG_USER,
      ...extra,
    ]);
    assert.equal(r.status, 0, `${template}: ${r.stderr}`);
    const run = readFileSync(join(target, 'run'), 'utf8');
    assert.match(run, runLine);
    assert.match(run, new RegExp(`exec envuidgid ${SERVICE_USER} tcpserver -vRHl0 -U -x rules.cdb`));
    assert.match(run, /^if ! tcprules rules\.cdb rules\.tmp < rules; then\n {2}test -f rules\.cdb \|\| exit 111\n/m);
    assert.match(readFileSync(join(target, 'rules'), 'utf8'), /^127\.:allow\n:deny\n$/m);
    assert.equal(owner(join(target, 'rules')), 0);
    assert.equal(owner(join(target, 'log/main')), findAccount(LOG_USER)?.uid);
    assert.equal(mode(join(target, 'run')), '755');
  }
  assert.ok(existsSync(join(dir, 'httpd/public/index.html')));
  assert.match(readFileSync(join(dir, 'httpd/public/index.html'), 'utf8'), /127\.0\.0\.9:7002/);
});

test('conf on a private address: rules allow that /24 and loopback', () => {
  const target = join(dir, 'allow-from');
  const r = fortress([
    'conf',
    'httpd',
    target,
    '--ip',
    '127.0.0.9',
    '--allow-from',
    '192.168.7.,127.0.0.1',
    '--user',
    SERVICE_USER,
    '--log-user',
    LOG_USER,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(target, 'rules'), 'utf8'), /^192\.168\.7\.:allow\n127\.0\.0\.1:allow\n:deny$/m);
});

function refuses(args: string[], message: RegExp, code = 100): void {
  const r = fortress(['conf', ...args]);
  assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.equal(r.stdout, '');
}

test('bad input: unknown template', () => {
  refuses(['no-such-template', join(dir, 'x1')], /^fortress: fatal: unknown template: no-such-template\n$/);
  refuses(['../etc', join(dir, 'x1')], /unknown template/);
  assert.ok(!existsSync(join(dir, 'x1')));
});

test('bad input: an existing DIR is never touched', () => {
  const target = join(dir, 'existing');
  mkdirSync(target);
  writeFileSync(join(target, 'keep'), 'mine');
  refuses(['httpd', target, '--port', '7010'], /already exists: refusing to overwrite it/);
  assert.deepEqual(readdirSync(target), ['keep']);
  assert.equal(readFileSync(join(target, 'keep'), 'utf8'), 'mine');
});

test('bad input: an address that is not local, or not an address', () => {
  refuses(['httpd', join(dir, 'x2'), '--ip', '192.0.2.1'], /address 192\.0\.2\.1 is not an address of this machine/);
  refuses(['httpd', join(dir, 'x2'), '--ip', 'www.example.com'], /not an IP address: www\.example\.com/);
  refuses(['httpd', join(dir, 'x2'), '--ip', '2001:db8::7'], /not an address of this machine/);
  assert.ok(!existsSync(join(dir, 'x2')));
});

test('bad input: a wildcard address unless --allow-wildcard', () => {
  refuses(['httpd', join(dir, 'x3'), '--ip', '0.0.0.0'], /refusing wildcard address 0\.0\.0\.0/);
  refuses(['httpd', join(dir, 'x3'), '--ip', '::'], /refusing wildcard address ::/);
  assert.ok(!existsSync(join(dir, 'x3')));
  const r = fortress([
    'conf',
    'httpd',
    join(dir, 'x3'),
    '--ip',
    '0.0.0.0',
    '--allow-wildcard',
    '--user',
    SERVICE_USER,
    '--log-user',
    LOG_USER,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'x3/run'), 'utf8'), / 0\.0\.0\.0 80 fortress httpd/);
});

test('bad input: invalid user names, the same account for service and log, missing values', () => {
  refuses(['httpd', join(dir, 'x4'), '--user', 'Bad.User'], /invalid user name: Bad\.User/);
  refuses(['httpd', join(dir, 'x4'), '--log-user', 'root;rm'], /invalid user name: root;rm/);
  refuses(['httpd', join(dir, 'x4'), '--user', '-rf'], /invalid user name: -rf/);
  refuses(['httpd', join(dir, 'x4'), '--user', 'same', '--log-user', 'same'], /different accounts/);
  refuses(['tcpserver', join(dir, 'x4'), '--port', '7011', '--user', SERVICE_USER], /needs --command/);
  refuses(['httpd', join(dir, 'x4'), '--port', '70000'], /bad port: 70000/);
  assert.ok(!existsSync(join(dir, 'x4')));
  assert.equal(findAccount('same'), undefined, 'no account created for a refused request');
});

test('bad input: values that would become file names or rules lines outside their place', () => {
  refuses(['dnscache', join(dir, 'x6'), '--clients', '../../etc/owned'], /bad client prefix: "\.\.\/\.\.\/etc\/owned"/);
  refuses(['dnscache', join(dir, 'x6'), '--clients', '127,'], /bad client prefix: ""/);
  refuses(['dnscache', join(dir, 'x6'), '--upstream', 'ns.example.com'], /bad upstream server: "ns\.example\.com"/);
  refuses(['dnscache', join(dir, 'x6'), '--cachesize', '1e6'], /bad cachesize: 1e6/);
  refuses(['httpd', join(dir, 'x6'), '--allow-from', '10.:allow\n:deny'], /bad rules address/);
  refuses(
    ['tcpserver', join(dir, 'x6'), '--port', '7012', '--user', SERVICE_USER, '--command', 'cat\nrm -rf /'],
    /newline in COMMAND/,
  );
  assert.ok(!existsSync(join(dir, 'x6')));
  assert.ok(!existsSync(join(dir, '../etc/owned')));
});

test('--set NAME=VALUE, repeated, fills any template value', () => {
  const target = join(dir, 'set');
  const r = fortress([
    'conf',
    'fingerd',
    target,
    '--port',
    '7013',
    '--user',
    SERVICE_USER,
    '--log-user',
    LOG_USER,
    '--set',
    'SCANDIR=/srv/service',
    '--set',
    'CONCURRENCY=5',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    readFileSync(join(target, 'run'), 'utf8'),
    / -c 5 -b 20 127\.0\.0\.1 7013 fortress fingerd \/srv\/service$/m,
  );
  refuses(['fingerd', join(dir, 'x8'), '--set', 'lower=1'], /--set needs NAME=VALUE/);
});

test('--existing-accounts refuses a missing account instead of creating it', () => {
  refuses(
    ['httpd', join(dir, 'x7'), '--user', 'ftestnosuchuser', '--existing-accounts'],
    /no such account: ftestnosuchuser/,
  );
  assert.equal(findAccount('ftestnosuchuser'), undefined);
});

test('usage errors exit 100', () => {
  refuses([], /^fortress: usage: fortress conf TEMPLATE DIR/);
  refuses(['httpd'], /usage/);
  refuses(['httpd', join(dir, 'x5'), '--bogus'], /unknown option --bogus/);
});

test('conf --list names every template', () => {
  const r = fortress(['conf', '--list']);
  assert.equal(r.status, 0);
  const names = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':')[0]);
  assert.deepEqual(names, ['dashboard', 'dnscache', 'fingerd', 'httpd', 'inetd', 'tcpserver']);
});

test('every missing required option is named at once (issue 18)', () => {
  refuses(['tcpserver', join(dir, 'x9')], /^fortress: fatal: template tcpserver needs --port, --user, --command\n$/);
  refuses(
    ['inetd', join(dir, 'x9'), '--user', SERVICE_USER],
    /^fortress: fatal: template inetd needs --ip, --port, --command\n$/,
  );
  assert.ok(!existsSync(join(dir, 'x9')));
});

test('a CIDR client prefix is refused with the form dnscache expects (issue 18)', () => {
  refuses(
    ['dnscache', join(dir, 'x10'), '--clients', '127.0.0.0/8'],
    /^fortress: fatal: bad client prefix: "127\.0\.0\.0\/8" \(expected dotted prefixes such as 127 or 10\.0\.0 or 192\.168\.1\.7, one file each in root\/ip\/ as dnscache reads them; no \/LENGTH\)\n$/,
  );
});

test('--command: shell words quoted for run; shell syntax outside quotes refused (issue 18)', () => {
  refuses(
    ['tcpserver', join(dir, 'x11'), '--port', '7014', '--user', SERVICE_USER, '--command', 'echo $TCPREMOTEIP'],
    /^fortress: fatal: --command: \$ outside quotes in "echo \$TCPREMOTEIP": tcpserver runs one program with its arguments; for shell syntax or \$VARS of the connection write sh -c '\.\.\.'\n$/,
  );
  refuses(
    ['tcpserver', join(dir, 'x11'), '--port', '7014', '--user', SERVICE_USER, '--command', 'cat; id'],
    /--command: ; outside quotes/,
  );
  refuses(
    ['tcpserver', join(dir, 'x11'), '--port', '7014', '--user', SERVICE_USER, '--command', "sh -c 'echo"],
    /unterminated '/,
  );
  const both = fortress(['conf', 'tcpserver', join(dir, 'x11'), '--command', 'cat', '--', 'cat']);
  assert.equal(both.status, 100);
  assert.match(both.stderr, /--command and words after -- both give the command/);
  assert.ok(!existsSync(join(dir, 'x11')));
});

test('templates write timeout-kill (5000 ms) so a stop is bounded; --set TIMEOUT_KILL changes it', () => {
  for (const [template, extra] of [
    ['httpd', ['--port', '7015']],
    ['fingerd', ['--port', '7016', '--set', 'TIMEOUT_KILL=10000']],
  ] as const) {
    const target = join(dir, `tk-${template}`);
    const r = fortress(['conf', template, target, '--user', SERVICE_USER, '--log-user', LOG_USER, ...extra]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(target, 'timeout-kill'), 'utf8'), template === 'httpd' ? '5000\n' : '10000\n');
  }
  refuses(['httpd', join(dir, 'x12'), '--set', 'TIMEOUT_KILL=soon'], /bad timeout_kill: soon/);
});

test('conf as another user than root refuses at once, writing nothing (issue 18)', () => {
  const target = join(dir, 'as-nobody');
  const r = spawnSync(
    'setpriv',
    [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      process.execPath,
      FORTRESS,
      'conf',
      'httpd',
      target,
      '--port',
      '8080',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(r.status, 100, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    'fortress: fatal: conf needs root: the services it lays out switch to their own accounts, which only root can do ' +
      '(for services running as yourself, copy examples/ as the quick start does)\n',
  );
  assert.ok(!existsSync(target));
});

test('--help prints the usage on stdout and exits 0, for every subcommand (issue 18)', () => {
  for (const command of [
    'conf',
    'import-inetd',
    'audit',
    'status',
    'quickstart',
    'httpd',
    'fingerd',
    'install',
    'uninstall',
  ]) {
    const r = fortress([command, '--help']);
    assert.equal(r.status, 0, command);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`^usage: fortress ${command}( .*)?\\n$`));
  }
  assert.match(fortress(['conf', '--help']).stdout, /^usage: fortress conf TEMPLATE DIR \[--ip ADDR\]/);
  assert.equal(fortress(['httpd', '--help']).stdout, 'usage: fortress httpd DOCROOT\n');
});
