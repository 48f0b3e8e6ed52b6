// Listeners laid out by `fortress conf tcpserver`, run under our svscan and connected to (issue 18):
// the command's quotes, metacharacters and $VARS reach the per-connection program as written;
// a mistake in ./rules followed by `svc -t` keeps the listener serving with the last good rules.cdb.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { waitFor } from '@fortress/test-support/wait-for';
import { confTree, exchange, loopbackAddress } from './helpers.js';

const { scan, env, conf, startSvscan } = confTree('listeners');
const ip = loopbackAddress();
const USER = 'ftestlisten';
const LOG = 'ftestlistenlog';
const base = 20000 + Math.floor(Math.random() * 20000);
const ports = { quoted: base, words: base + 1, rules: base + 2 };

// The command, with more the sh in ./run must leave alone: quotes, ; | * and $((...)).
const QUOTED = `sh -c "echo hello $TCPREMOTEIP at $TCPLOCALIP; echo 'semi;colon|pipe' \\"dq\\" '*' $((6*7))"`;
// The same kind of thing as separate words after `--`.
const WORDS = ['sh', '-c', `echo "words: $TCPLOCALPORT" "it's" \`echo back\``];

before(() => {
  const common = ['--ip', ip, '--user', USER, '--log-user', LOG];
  conf(['tcpserver', join(scan, 'quoted'), ...common, '--port', String(ports.quoted), '--command', QUOTED]);
  conf(['tcpserver', join(scan, 'words'), ...common, '--port', String(ports.words), '--', ...WORDS]);
  conf(['tcpserver', join(scan, 'rules'), ...common, '--port', String(ports.rules), '--command', 'echo rules-ok']);
  startSvscan();
});

function answer(port: number): Promise<string> {
  return waitFor(`an answer on ${ip}:${port}`, async () => (await exchange(ip, port, '')) || undefined);
}

test('--command: quotes, metacharacters and $VARS of the connection reach the program as written', async () => {
  const reply = await answer(ports.quoted);
  assert.match(reply, /^hello 127\.\d+\.\d+\.\d+ at /);
  assert.equal(reply.replace(/^hello \S+/, 'hello CLIENT'), `hello CLIENT at ${ip}\nsemi;colon|pipe dq * 42\n`);
  const run = readFileSync(join(scan, 'quoted/run'), 'utf8');
  assert.match(
    run,
    / \d+ sh -c 'echo hello \$TCPREMOTEIP at \$TCPLOCALIP; echo '\\''semi;colon\|pipe'\\'' "dq" '\\''\*'\\'' \$\(\(6\*7\)\)'\n$/,
  );
});

test('the command as separate words after --', async () => {
  assert.equal(await answer(ports.words), `words: ${ports.words} it's back\n`);
});

function pidOf(service: string): number {
  return readFileSync(join(scan, service, 'supervise/status')).readUInt32LE(12);
}

test('a mistake in rules, then svc -t: the listener keeps serving with the last good rules.cdb, a warning in the log', async () => {
  assert.equal(await answer(ports.rules), 'rules-ok\n');
  const service = join(scan, 'rules');
  const before = pidOf('rules');
  appendFileSync(join(service, 'rules'), '127.0.0.1:alow\n');
  const svc = spawnSync('svc', ['-t', service], { env, encoding: 'utf8' });
  assert.equal(svc.status, 0, svc.stderr);
  await waitFor('a new tcpserver', () => {
    const pid = pidOf('rules');
    return pid !== 0 && pid !== before;
  });
  const current = join(service, 'log/main/current');
  const log = await waitFor('the warning in the log', () => {
    const text = existsSync(current) ? readFileSync(current, 'utf8') : '';
    return text.includes('run: warning:') ? text : undefined;
  });
  assert.match(log, /^@[0-9a-f]{24} tcprules: fatal: unable to parse this line: 127\.0\.0\.1:alow$/m);
  assert.match(
    log,
    /^@[0-9a-f]{24} run: warning: unable to compile rules: still serving with the last good rules\.cdb$/m,
  );
  assert.equal(await answer(ports.rules), 'rules-ok\n');
  const stat = spawnSync('svstat', [service], { env, encoding: 'utf8' });
  assert.match(stat.stdout, new RegExp(`^${service}: up \\(pid ${pidOf('rules')}\\) \\d+ seconds\\n$`));
});
