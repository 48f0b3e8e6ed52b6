import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runChecked } from '@fortress/test-support/run';
import { tempDir } from '@fortress/test-support/temp-dir';
import { bin, fetchText, Server } from './helpers.js';

// A fake identd on 127.0.0.7:113 (root only): clients connect from 127.0.0.7, so tcpserver's
// ident query for them lands here.
const CLIENT = '127.0.0.7';
const servers: Server[] = [];
const d = tempDir('ucspi-tcp');
let identd: NetServer | undefined;
let queries: string[] = [];
let connections = 0;
let available = false;

before(async () => {
  if (process.getuid?.() !== 0) return;
  identd = createServer((socket) => {
    connections++;
    socket.setEncoding('latin1');
    let text = '';
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!text.includes('\n')) return;
      queries.push(text.trim());
      const [rport, lport] = text.split(',').map((s) => s.trim());
      socket.end(`${rport} , ${lport} : USERID : UNIX : alice\r\n`);
    });
    socket.on('error', () => {});
  });
  available = await new Promise<boolean>((resolve) => {
    identd?.once('error', () => resolve(false));
    identd?.listen(113, CLIENT, () => resolve(true));
  });
});

after(() => {
  for (const s of servers) s.stop();
  identd?.close();
});

test('tcpserver -r asks the client identd for TCPREMOTEINFO and matches info@ rules; -R never connects', async (t) => {
  if (!available) {
    t.skip('needs root and 127.0.0.7:113');
    return;
  }
  writeFileSync(join(d, 'rules.txt'), `alice@${CLIENT}:allow,WHO="alice"\n:allow,WHO="nobody"\n`);
  await runChecked(['sh', '-c', `${process.execPath} ${bin('tcprules')} ${d}/r.cdb ${d}/r.tmp < ${d}/rules.txt`]);
  const script = 'echo "$TCPREMOTEINFO/$WHO"';
  for (const debian of [false, true]) {
    const args = ['-1', '-v', '-Hl0', '-r', '-t', '5', '-x', join(d, 'r.cdb'), '127.0.0.1', '0', 'sh', '-c', script];
    const s = debian ? new Server('/usr/bin/tcpserver', args) : Server.ours(args);
    servers.push(s);
    const port = await s.port();
    queries = [];
    assert.equal(await fetchText(port, '127.0.0.1', undefined, CLIENT), 'alice/alice\n', debian ? 'Debian' : 'ours');
    assert.equal(queries.length, 1);
    assert.match(queries[0] as string, /^\d+ , \d+$/);
    await s.waitLog(new RegExp(`ok \\d+ 0:127\\.0\\.0\\.1:${port} :127\\.0\\.0\\.7:alice:\\d+\\n`));
  }
  const quiet = Server.ours(['-1', '-HRl0', '-x', join(d, 'r.cdb'), '127.0.0.1', '0', 'sh', '-c', script]);
  servers.push(quiet);
  const port = await quiet.port();
  connections = 0;
  assert.equal(await fetchText(port, '127.0.0.1', undefined, CLIENT), '/nobody\n');
  assert.equal(connections, 0);
});
