#!/usr/bin/env node
// tcpserver benchmark: connections per second and p50/p99 latency (connect included), a new
// connection per request, handler writes a short HTTP response and exits. Side by side in one
// run: Debian's tcpserver, ipsvd's tcpsvd, ours with a spawned handler, ours in-process (-m).
// Bounded: BENCH_CONNECTIONS connections per server and round (default 3000), at most 60 s
// each; BENCH_ROUNDS rounds (default 3) run the servers in turn, and the median round counts,
// so a burst of load from elsewhere on the machine hits every server alike.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const total = Number(process.env.BENCH_CONNECTIONS ?? 3000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'bench-tcpserver-'));
const response = 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n';
writeFileSync(join(dir, 'response'), response);
writeFileSync(
  join(dir, 'handler.mjs'),
  `export function handler(socket) { socket.end(${JSON.stringify(response)}); }\n`,
);
const handler = ['/bin/cat', join(dir, 'response')];

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function once() {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    let bytes = 0;
    const socket = connect({ host: '127.0.0.1', port: once.port });
    socket.on('data', (d) => {
      bytes += d.length;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve([Number(process.hrtime.bigint() - start) / 1e6, bytes === response.length]));
  });
}

async function waitListening(port, deadline) {
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.on('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not start');
}

async function measure(name, argv) {
  const port = await freePort();
  once.port = port;
  const child = spawn(
    argv[0],
    argv.slice(1).map((a) => (a === 'PORT' ? String(port) : a)),
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await waitListening(port, Date.now() + 10000);
    for (let i = 0; i < 50; i++) await once(); // warm-up
    const latencies = [];
    let failed = 0;
    let next = 0;
    const deadline = Date.now() + 60000;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total && Date.now() < deadline) {
          next++;
          const [ms, ok] = await once();
          latencies.push(ms);
          if (!ok) failed++;
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    let rss = 0;
    try {
      rss = Number(/VmRSS:\s*(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      // exited
    }
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    return { name, rate: latencies.length / seconds, p50: pct(50), p99: pct(99), n: latencies.length, failed, rss };
  } finally {
    child.kill('SIGTERM');
  }
}

const ours = [process.execPath, join(root, 'packages/ucspi-tcp/bin/tcpserver.js')];
const runs = [];
if (existsSync('/usr/bin/tcpserver'))
  runs.push([
    'debian tcpserver',
    ['/usr/bin/tcpserver', '-HRl0', '-b', '511', '-c', '40', '127.0.0.1', 'PORT', ...handler],
  ]);
if (existsSync('/usr/bin/tcpsvd'))
  runs.push(['ipsvd tcpsvd', ['/usr/bin/tcpsvd', '-l0', '-b', '511', '-c', '40', '127.0.0.1', 'PORT', ...handler]]);
runs.push(['fortress tcpserver', [...ours, '-HRl0', '-b', '511', '-c', '40', '127.0.0.1', 'PORT', ...handler]]);
runs.push([
  'fortress tcpserver -m',
  [...ours, '-HRl0', '-b', '511', '-c', '40', '-m', join(dir, 'handler.mjs'), '127.0.0.1', 'PORT'],
]);

const perServer = new Map(runs.map(([name]) => [name, []]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const [name, argv] of runs) perServer.get(name).push(await measure(name, argv));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const results = [...perServer.values()].map(
  (list) => list.sort((a, b) => a.rate - b.rate)[Math.floor(list.length / 2)],
);
const base = results.find((r) => r.name === 'debian tcpserver');
console.log(
  `${total} connections per server and round, ${concurrency} concurrent clients, new connection per request; median of ${rounds} rounds\n`,
);
console.log('server                    conn/s    p50 ms   p99 ms   vs debian  failed  RSS MiB');
for (const r of results) {
  const ratio = base ? (r.rate / base.rate).toFixed(2) : '-';
  console.log(
    `${r.name.padEnd(24)} ${r.rate.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(8)} ${`${ratio}x`.padStart(10)} ${String(r.failed).padStart(7)} ${r.rss.toFixed(1).padStart(8)}`,
  );
}
const all = [...perServer].map(([name, list]) => `${name}: ${list.map((r) => r.rate.toFixed(0)).join(', ')}`);
console.log(`\nconn/s per round: ${all.join('; ')}`);
