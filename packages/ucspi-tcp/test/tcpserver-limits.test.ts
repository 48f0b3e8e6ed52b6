import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bin, execFileAsync, fetchText, Server, tempDir, waitFor } from './helpers.js';

const servers: Server[] = [];
const dirs: Array<{ remove: () => void }> = [];
after(() => {
  for (const s of servers) s.stop();
  for (const d of dirs) d.remove();
});

function start(args: string[], env?: NodeJS.ProcessEnv): Server {
  const s = Server.ours(args, env);
  servers.push(s);
  return s;
}

function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d.path;
}

test('tcpserver -c 2: at most two PROGRAMs at once under a burst of 10, all served', async () => {
  const d = dir();
  const log = join(d, 'log');
  const script = `echo "start $$" >> ${log}; sleep 0.3; echo "end $$" >> ${log}; echo done`;
  const s = start(['-1', '-c', '2', '-HRl0', '127.0.0.1', '0', 'sh', '-c', script]);
  const port = await s.port();
  const replies = await Promise.all(Array.from({ length: 10 }, () => fetchText(port)));
  assert.deepEqual(replies, Array(10).fill('done\n'));
  let running = 0;
  let most = 0;
  const events = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(events.length, 20);
  for (const line of events) {
    running += line.startsWith('start') ? 1 : -1;
    most = Math.max(most, running);
  }
  assert.ok(most <= 2, `${most} PROGRAMs ran at once`);
});

/** A flood client: the reply, or the error, or 'gave up' after GIVE_UP_MS (it then closes). */
function floodClient(port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('gave up');
    }, GIVE_UP_MS);
    socket.on('data', (d: Buffer) => {
      text += d.toString();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code ?? 'error');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}
// With a real backlog of 4 (issue 18), the kernel drops what does not fit and clients retry
// their SYN for minutes, for Debian's tcpserver as for ours: flood clients give up instead.
const GIVE_UP_MS = 5000;

for (const debian of [false, true]) {
  test(`tcpserver (${debian ? "Debian's" : 'ours'}): a flood far beyond -c and -b is absorbed, and the server keeps serving`, async () => {
    const args = ['-1', '-c', '2', '-b', '4', '-HRl0', '127.0.0.1', '0', 'sh', '-c', 'echo ok'];
    const s = debian ? new Server('/usr/bin/tcpserver', args) : Server.ours(args);
    servers.push(s);
    const port = await s.port();
    const results = await Promise.all(Array.from({ length: 150 }, () => floodClient(port)));
    assert.equal(results.length, 150);
    assert.ok(results.filter((r) => r === 'ok\n').length > 0);
    assert.equal(await fetchText(port), 'ok\n');
    assert.equal(s.exitCode, undefined);
  });
}

test('tcpserver: per-address limit from -C and from MAXCONNIP in the rules; other addresses unaffected', async () => {
  const d = dir();
  writeFileSync(join(d, 'rules.txt'), '127.0.0.4:allow,MAXCONNIP="1"\n');
  await execFileAsync('sh', ['-c', `${process.execPath} ${bin('tcprules')} ${d}/r.cdb ${d}/r.tmp < ${d}/rules.txt`]);
  const hold = `while [ ! -e ${d}/release ]; do sleep 0.05; done; echo "served $TCPREMOTEIP"`;
  for (const [args, from] of [
    [['-C', '1'], '127.0.0.5'],
    [['-x', join(d, 'r.cdb')], '127.0.0.4'],
  ] as const) {
    const s = start(['-1', '-v', '-HRl0', ...args, '127.0.0.1', '0', 'sh', '-c', hold]);
    const port = await s.port();
    const first = fetchText(port, '127.0.0.1', undefined, from);
    await s.waitLog(new RegExp(`ok \\d+ 0:127.0.0.1:${port} :${from.replaceAll('.', '\\.')}::`));
    // A second connection from the same address is refused without running PROGRAM.
    assert.equal(await fetchText(port, '127.0.0.1', undefined, from), '');
    await s.waitLog(new RegExp(`deny 0 0:127.0.0.1:${port} :${from.replaceAll('.', '\\.')}::`));
    const other = fetchText(port, '127.0.0.1', undefined, '127.0.0.6');
    writeFileSync(join(d, 'release'), '');
    assert.equal(await first, `served ${from}\n`);
    assert.equal(await other, 'served 127.0.0.6\n');
    await waitFor('all ended', () => s.stderr.endsWith('tcpserver: status: 0/40\n'));
    assert.equal((s.stderr.match(/ ok /g) ?? []).length, 2);
    s.stop();
    await s.exited();
    rmSync(join(d, 'release'));
  }
});

const STATUS = 'grep -E "^(Uid|Gid|Groups):" /proc/self/status';

function ids(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => l.split(':').map((f) => f.trim().replace(/\s+/g, ' ')) as [string, string]),
  );
}

test('tcpserver -u/-g (numbers and names) and -U: PROGRAM and the server run as the account', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to switch accounts');
    return;
  }
  const cases: Array<[string[], NodeJS.ProcessEnv | undefined]> = [
    [['-u', '65534', '-g', '65534'], undefined],
    [['-u', 'nobody', '-g', 'nogroup'], undefined],
    [['-U'], { ...process.env, UID: '65534', GID: '65534' }],
  ];
  for (const [args, env] of cases) {
    const s = start(['-1', '-HRl0', ...args, '127.0.0.1', '0', 'sh', '-c', STATUS], env);
    const port = await s.port();
    const child = ids(await fetchText(port));
    assert.deepEqual(
      child,
      { Uid: '65534 65534 65534 65534', Gid: '65534 65534 65534 65534', Groups: '65534' },
      args.join(' '),
    );
    const server = ids(
      readFileSync(`/proc/${s.child.pid}/status`, 'utf8')
        .split('\n')
        .filter((l) => /^(Uid|Gid|Groups):/.test(l))
        .join('\n'),
    );
    assert.equal(server.Uid, '65534 65534 65534 65534');
  }
});

test('tcpserver -m: the in-process handler runs under the account too', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to switch accounts');
    return;
  }
  const d = dir();
  writeFileSync(
    join(d, 'handler.mjs'),
    'export default (socket) => socket.end([process.getuid(), process.getgid(), process.getgroups()].join(":") + "\\n");\n',
  );
  const args = ['-1', '-HRl0', '-u', '65534', '-g', '65534', '-m', join(d, 'handler.mjs'), '127.0.0.1', '0'];
  // The module is loaded after the switch: in a directory only root may enter, it cannot be.
  const denied = start(args);
  assert.equal(await denied.exited(), 111);
  assert.match(denied.stderr, /^tcpserver: fatal: unable to load .*handler\.mjs: /);
  chmodSync(d, 0o755);
  const s = start(args);
  assert.equal(await fetchText(await s.port()), '65534:65534:65534\n');
});
