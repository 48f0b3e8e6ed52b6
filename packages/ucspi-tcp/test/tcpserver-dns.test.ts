import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { fetchText, Server } from './helpers.js';

// A fake DNS cache on 127.0.0.86:53 (root only), named by $DNSCACHEIP as djb's resolver
// library expects, so -h, -p and TCPLOCALHOST are exercised without leaving 127.0.0.0/8.
const CACHE = '127.0.0.86';
const PTR: Record<string, string> = {
  '1.0.0.127.in-addr.arpa': 'local.test',
  '7.0.0.127.in-addr.arpa': 'client.test',
  '9.0.0.127.in-addr.arpa': 'liar.test',
};
const A: Record<string, string> = { 'local.test': '127.0.0.1', 'client.test': '127.0.0.7', 'liar.test': '127.0.0.99' };
let cache: UdpSocket | undefined;
let available = false;
let queries: string[] = [];
const servers: Server[] = [];

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((p) => p !== '');
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}

function answer(query: Buffer): Buffer {
  const labels: string[] = [];
  let at = 12;
  while (query[at] !== 0) {
    const len = query[at] as number;
    labels.push(query.subarray(at + 1, at + 1 + len).toString());
    at += len + 1;
  }
  const question = query.subarray(12, at + 5);
  const qtype = query.readUInt16BE(at + 1);
  const name = labels.join('.').toLowerCase();
  queries.push(`${qtype} ${name}`);
  let rdata: Buffer | undefined;
  if (qtype === 12 && PTR[name]) rdata = encodeName(PTR[name]);
  if (qtype === 1 && A[name]) rdata = Buffer.from((A[name] as string).split('.').map(Number));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8180 | (rdata ? 0 : PTR[name] || A[name] ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rdata ? 1 : 0, 6);
  if (!rdata) return Buffer.concat([header, question]);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(qtype, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(60, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([header, question, rr, rdata]);
}

before(async () => {
  if (process.getuid?.() !== 0) return;
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    try {
      socket.send(answer(msg), rinfo.port, rinfo.address);
    } catch {
      // malformed query: no answer
    }
  });
  available = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(53, CACHE, () => resolve(true));
  });
  cache = socket;
});

after(() => {
  for (const s of servers) s.stop();
  cache?.close();
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
const SCRIPT = 'echo "local=${TCPLOCALHOST-unset} remote=${TCPREMOTEHOST-unset}"';

async function run(debian: boolean, args: string[], from: string): Promise<string> {
  const env = { ...process.env, DNSCACHEIP: CACHE };
  const all = ['-1', '-R', ...args, '127.0.0.1', '0', 'sh', '-c', SCRIPT];
  const s = debian ? new Server('/usr/bin/tcpserver', all, env) : Server.ours(all, env);
  servers.push(s);
  const out = await fetchText(await s.port(), '127.0.0.1', undefined, from);
  s.stop();
  return out;
}

test('tcpserver -h, -p and TCPLOCALHOST through $DNSCACHEIP, as Debian tcpserver; -H -l0 asks nothing', async (t) => {
  if (!available) {
    t.skip(`needs root and ${CACHE}:53`);
    return;
  }
  const cases: Array<[string[], string, string]> = [
    [[], '127.0.0.7', 'local=local.test remote=client.test\n'],
    [['-p'], '127.0.0.7', 'local=local.test remote=client.test\n'],
    [['-p'], '127.0.0.9', 'local=local.test remote=unset\n'],
    [['-P'], '127.0.0.9', 'local=local.test remote=liar.test\n'],
    [['-l', 'given'], '127.0.0.5', 'local=given remote=unset\n'],
  ];
  for (const [args, from, want] of cases) {
    assert.equal(await run(false, args, from), want, `ours ${args.join(' ')} from ${from}`);
    assert.equal(await run(true, args, from), want, `Debian ${args.join(' ')} from ${from}`);
  }
  queries = [];
  assert.equal(await run(false, ['-H', '-l0'], '127.0.0.7'), 'local=0 remote=unset\n');
  assert.deepEqual(queries, []);
});
