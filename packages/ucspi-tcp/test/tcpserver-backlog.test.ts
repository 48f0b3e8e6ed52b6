// Issue 18: `-b N` is the listen backlog, as `ss -ltn` shows it (Send-Q of a LISTEN socket),
// the same for our tcpserver and Debian's, also after accepting was paused at the -c limit.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { debianClient, Server, waitFor } from './helpers.js';

const execFileAsync = promisify(execFile);
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.stop();
});

/** The backlog of the socket listening on HOST:PORT, from `ss -ltn` (its Send-Q column). */
async function backlog(host: string, port: number): Promise<number> {
  const { stdout } = await execFileAsync('ss', ['-Hltn', 'src', `${host}:${port}`]);
  const fields = stdout.trim().split(/\s+/);
  assert.equal(fields[0], 'LISTEN', `ss output: ${stdout}`);
  return Number(fields[2]);
}

/** Starts a server, and waits until it has served one connection (so ours accepts for real). */
async function serving(debian: boolean, host: string, flags: string[]): Promise<[Server, number]> {
  const args = ['-1', '-HRl0', ...flags, host, '0', 'sh', '-c', 'echo up'];
  const s = debian ? new Server('/usr/bin/tcpserver', args) : Server.ours(args);
  servers.push(s);
  const port = await s.port();
  assert.equal(await debianClient(port, 'cat <&6', host), 'up\n');
  return [s, port];
}

const cases: [flags: string[], expected: number][] = [
  [[], 20],
  [['-b', '5'], 5],
  [['-b', '1'], 1],
  [['-b', '0'], 0],
  [['-b', '300'], 300],
  [['-b', '5', '-b', '7'], 7],
];

cases.forEach(([flags, expected], i) => {
  test(`tcpserver ${flags.join(' ') || '(no -b)'}: ss shows a backlog of ${expected}, as Debian's`, async () => {
    const [mine, theirs] = await Promise.all([
      serving(false, `127.20.8.${i + 1}`, flags),
      serving(true, `127.20.9.${i + 1}`, flags),
    ]);
    assert.equal(await backlog(`127.20.9.${i + 1}`, theirs[1]), expected, "Debian's");
    assert.equal(await backlog(`127.20.8.${i + 1}`, mine[1]), expected, 'ours');
    mine[0].stop();
    theirs[0].stop();
  });
});

test('tcpserver -c 1 -b 3: the backlog stays 3 while accepting is paused at the limit and after', async () => {
  const host = '127.20.8.100';
  // PROGRAM answers, then waits for its client to end the connection.
  const args = ['-v', '-1', '-HRl0', '-c', '1', '-b', '3', host, '0', 'sh', '-c', 'echo up; read x'];
  const s = Server.ours(args);
  servers.push(s);
  const port = await s.port();
  assert.equal(await backlog(host, port), 3);
  // One client holds the only slot: accepting is paused until its program ends. Its own
  // process group, so that everything holding the connection goes when it is killed.
  const held = spawn('/usr/bin/tcpclient', ['-HRl0', host, String(port), 'sh', '-c', 'exec cat <&6 >/dev/null'], {
    stdio: 'ignore',
    detached: true,
  });
  try {
    await waitFor('the held connection', () => /status: 1\/1\n/.test(s.stderr));
    assert.equal(await backlog(host, port), 3, 'paused');
  } finally {
    try {
      process.kill(-held.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Served once the slot is free: reads the answer, then ends the connection.
  assert.equal(await debianClient(port, 'read line <&6; echo "$line"', host), 'up\n');
  assert.equal(await backlog(host, port), 3, 'accepting again');
});
