#!/usr/bin/env node
// dnscache side by side: ours, Debian's dnscache, unbound (one thread, and as many as ours
// uses) and dnsmasq, each resolving through the same tinydns on loopback; dnsperf measures
// queries per second, latency and CPU per query on cache hits (one name asked over and over)
// and cache misses (every name new, answered by a tinydns wildcard), the servers interleaved
// in every round. While dnsperf runs, IDLE_TCP idle TCP connections are held open to the
// server under test. Then GARBAGE_CONNS connections of random bytes (never a question) each,
// GARBAGE_AT_ONCE at a time, measure how fast each server gets rid of garbage over TCP.
// Needs root (port 53: the two dnscaches cannot listen elsewhere); unbound and dnsmasq listen
// on high ports of 127.53.100.x and are skipped (with a note) when not installed. Nothing is
// sent beyond loopback: every server's root or forwarder is the local tinydns.
//
// BENCH_SECONDS (8), BENCH_ROUNDS (3), BENCH_IDLE_TCP (20), BENCH_GARBAGE (2000) change the
// sizes; BENCH_SERVERS picks servers by kind; BENCH_ALSO_OURS=PATH adds another build of our dnscache (bin/dnscache.js of an older
// tree) to the same interleaved run, for before/after comparisons on a noisy machine.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const OURS = join(root, 'packages/dnscache/bin/dnscache.js');
const BASE = '127.53.100';
const TINY = `${BASE}.1`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IDLE_TCP = Number(process.env.BENCH_IDLE_TCP ?? 20);
const GARBAGE_CONNS = Number(process.env.BENCH_GARBAGE ?? 2000);
const GARBAGE_AT_ONCE = 100;
/** Threads of ours that do work: the JS thread and the addon's socket helper (README). */
const OUR_THREADS = 2;
const UNBOUND = '/usr/sbin/unbound';
const DNSMASQ = '/usr/sbin/dnsmasq';
const dir = mkdtempSync(join(tmpdir(), 'bench-dnscache-'));
const children = [];

function id(flag, name) {
  return spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim();
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** A recursive question for www.test A. */
function question() {
  const q = Buffer.alloc(12 + 10 + 4);
  q.writeUInt16BE(0x4242, 0);
  q[2] = 1;
  q[5] = 1;
  Buffer.from([3, 119, 119, 119, 4, 116, 101, 115, 116, 0]).copy(q, 12);
  q.writeUInt16BE(1, 22);
  q.writeUInt16BE(1, 24);
  return q;
}

/** Whether ip:port answers www.test with an address, within ms. */
function answers(ip, port, ms = 500) {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(false);
    }, ms);
    s.on('error', () => {});
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      resolve(msg.length > 12 && (msg[3] & 15) === 0 && msg.readUInt16BE(6) > 0);
    });
    s.send(question(), port, ip);
  });
}

async function waitAnswer(label, ip, port, child) {
  for (let i = 0; i < 100; i++) {
    if (child && child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}`);
    if (await answers(ip, port)) return;
    await sleep(50);
  }
  throw new Error(`no answer from ${label} on ${ip}:${port}`);
}

function startTinydns() {
  const r = join(dir, 'tinydns');
  mkdirSync(r);
  writeFileSync(join(r, 'data'), `.test:${TINY}:a\n+www.test:127.0.0.11:86400\n+*.w.test:127.0.0.12:86400\n`);
  spawnSync('/usr/sbin/tinydns-data', [], { cwd: r });
  const env = { IP: TINY, ROOT: r, UID: id('-u', 'tinydns'), GID: id('-g', 'tinydns') };
  children.push(spawn('/usr/sbin/tinydns', [], { env, stdio: 'ignore', detached: true }));
}

function cacheEnv(name, ip) {
  const r = join(dir, name);
  mkdirSync(join(r, 'ip'), { recursive: true });
  mkdirSync(join(r, 'servers'));
  writeFileSync(join(r, 'ip', '127'), '');
  writeFileSync(join(r, 'servers', '@'), `${TINY}\n`);
  writeFileSync(join(r, 'seed'), Buffer.alloc(128, 1));
  return {
    IP: ip,
    IPSEND: '0.0.0.0',
    CACHESIZE: '100000000',
    ROOT: r,
    UID: id('-u', 'dnscache'),
    GID: id('-g', 'dnscache'),
  };
}

/** A dnscache: Debian's, or ours run as a service's run script runs it (the program itself, its
 * #! line giving node its flags, the pinned Node first on PATH). */
function startDnscache(name, file, ip) {
  const env = cacheEnv(name, ip);
  const stdin = openSync(join(env.ROOT, 'seed'), 'r');
  if (file !== '/usr/sbin/dnscache') env.PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
  return spawn(file, [], { env, stdio: [stdin, 'ignore', 'ignore'], detached: true });
}

/** unbound forwarding everything (the root included: no Internet) to the tinydns. */
function startUnbound(name, ip, port, threads) {
  const conf = join(dir, `${name}.conf`);
  writeFileSync(
    conf,
    `server:
  interface: ${ip}
  port: ${port}
  interface-automatic: no
  do-ip6: no
  num-threads: ${threads}
  so-reuseport: yes
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  local-zone: "test." nodefault
  msg-cache-size: 50m
  rrset-cache-size: 100m
  num-queries-per-thread: 1024
  outgoing-range: 2048
  verbosity: 0
  use-syslog: no
  logfile: ""
  chroot: ""
  username: ""
  directory: "${dir}"
  pidfile: "${join(dir, `${name}.pid`)}"
  do-daemonize: no
forward-zone:
  name: "."
  forward-addr: ${TINY}@53
`,
  );
  return spawn(UNBOUND, ['-d', '-c', conf], { stdio: 'ignore', detached: true });
}

/** dnsmasq forwarding everything to the tinydns, no hosts or resolv.conf. */
function startDnsmasq(ip, port) {
  return spawn(
    DNSMASQ,
    [
      '--keep-in-foreground',
      '--no-resolv',
      '--no-hosts',
      '--no-poll',
      '--bind-interfaces',
      `--listen-address=${ip}`,
      `--port=${port}`,
      `--server=${TINY}`,
      '--cache-size=150000',
      '--dns-forward-max=1000',
      `--pid-file=${join(dir, 'dnsmasq.pid')}`,
      '--user=root',
    ],
    { stdio: 'ignore', detached: true },
  );
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

// CPU seconds (user + system, every thread) the process has used: a per-query cost that load on
// the machine does not distort the way queries per second are distorted.
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function dnsperf(ip, port, file) {
  const args = ['-s', ip, '-p', String(port), '-d', file, '-l', String(SECONDS), '-c', '4', '-q', '100', '-t', '2'];
  const out = spawnSync('dnsperf', args, { encoding: 'utf8' }).stdout;
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const lat = /Average Latency \(s\):\s+([\d.]+)\s+\(min ([\d.]+), max ([\d.]+)\)/.exec(out);
  const lost = Number(/Queries lost:\s+(\d+)/.exec(out)?.[1] ?? Number.NaN);
  return { qps, avgMs: Number(lat?.[1]) * 1000, maxMs: Number(lat?.[3]) * 1000, lost };
}

/** Opens n TCP connections that send nothing; resolves once all are connected (or failed). */
async function idleConnections(ip, port, n) {
  const sockets = [];
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve) => {
          const s = connect({ host: ip, port, localAddress: `${BASE}.200` });
          sockets.push(s);
          s.on('error', resolve);
          s.on('connect', resolve);
          setTimeout(resolve, 3000);
        }),
    ),
  );
  return sockets;
}

/** GARBAGE_CONNS connections, GARBAGE_AT_ONCE at a time, each sending random bytes that are
 * never a question (QR set) and shutting down its side; connections per second until every one
 * was closed by the server, and how many were not within 15 s. */
async function garbage(ip, port) {
  let next = 0;
  let stuck = 0;
  const one = () =>
    new Promise((resolve) => {
      const s = connect({ host: ip, port, localAddress: `${BASE}.201` });
      const timer = setTimeout(() => {
        stuck++;
        s.destroy();
      }, 15000);
      s.on('error', () => {});
      s.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      s.on('connect', () => {
        const junk = Buffer.from(Array.from({ length: 1 + (next % 64) }, () => Math.floor(Math.random() * 256)));
        if (junk.length > 4) junk[4] |= 0x80;
        s.end(junk);
      });
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: GARBAGE_AT_ONCE }, async () => {
      while (next < GARBAGE_CONNS) {
        next++;
        await one();
      }
    }),
  );
  return { perSecond: GARBAGE_CONNS / ((performance.now() - t0) / 1000), stuck };
}

function cleanup() {
  // Every server runs in a process group of its own (dnsmasq forks a child per TCP client).
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);

if (process.getuid?.() !== 0) {
  console.log('dnscache bench: needs root (port 53); skipped');
  process.exit(0);
}
if (!existsSync('/usr/bin/dnsperf') || !existsSync('/usr/sbin/dnscache')) {
  console.log('dnscache bench: needs dnsperf and Debian dnscache (apt-get install dnsperf dnscache); skipped');
  process.exit(0);
}

startTinydns();
await waitAnswer('tinydns', TINY, 53);
const hits = join(dir, 'hits.txt');
writeFileSync(hits, 'www.test A\n');

const servers = [
  {
    label: 'debian dnscache',
    kind: 'debian',
    ip: `${BASE}.11`,
    port: 53,
    start: (s) => startDnscache(s.kind, '/usr/sbin/dnscache', s.ip),
  },
  { label: 'ours', kind: 'ours', ip: `${BASE}.10`, port: 53, start: (s) => startDnscache(s.kind, OURS, s.ip) },
];
if (process.env.BENCH_ALSO_OURS) {
  const other = process.env.BENCH_ALSO_OURS;
  servers.push({
    label: 'ours (also)',
    kind: 'also',
    ip: `${BASE}.15`,
    port: 53,
    start: (s) => startDnscache(s.kind, other, s.ip),
  });
  console.log(`ours (also) = ${other}`);
}
if (existsSync(UNBOUND)) {
  servers.push(
    {
      label: 'unbound 1 thread',
      kind: 'unbound1',
      ip: `${BASE}.12`,
      port: 5301,
      start: (s) => startUnbound(s.kind, s.ip, s.port, 1),
    },
    {
      label: `unbound ${OUR_THREADS} threads`,
      kind: 'unboundN',
      ip: `${BASE}.13`,
      port: 5302,
      start: (s) => startUnbound(s.kind, s.ip, s.port, OUR_THREADS),
    },
  );
} else console.log('(unbound not installed: skipped; apt-get install unbound)');
if (existsSync(DNSMASQ)) {
  servers.push({
    label: 'dnsmasq',
    kind: 'dnsmasq',
    ip: `${BASE}.14`,
    port: 5303,
    start: (s) => startDnsmasq(s.ip, s.port),
  });
} else console.log('(dnsmasq not installed: skipped; apt-get install dnsmasq)');

// BENCH_SERVERS=ours,also,… keeps only those kinds, in that order (debian, ours, also, unbound1,
// unboundN, dnsmasq).
const only = process.env.BENCH_SERVERS?.split(',');
if (only) servers.splice(0, servers.length, ...only.map((k) => servers.find((s) => s.kind === k)).filter(Boolean));
for (const s of servers) {
  s.child = s.start(s);
  children.push(s.child);
  await waitAnswer(s.label, s.ip, s.port, s.child);
  Object.assign(s, { hit: [], miss: [], hitCpu: [], missCpu: [] });
}

async function measure(s, kind, file) {
  const idle = await idleConnections(s.ip, s.port, IDLE_TCP);
  const before = cpuSeconds(s.child.pid);
  const r = dnsperf(s.ip, s.port, file);
  const cpu = cpuSeconds(s.child.pid) - before;
  for (const c of idle) c.destroy();
  s[kind].push(r);
  s[`${kind}Cpu`].push((cpu / (r.qps * SECONDS)) * 1e6);
}

const loadBefore = loadavg()[0];
for (let round = 0; round < ROUNDS; round++) {
  for (const s of servers) {
    const misses = join(dir, `misses-${s.kind}-${round}.txt`);
    const names = [];
    for (let i = 0; i < 600000; i++) names.push(`r${round}-${s.kind}${i}.w.test A`);
    writeFileSync(misses, `${names.join('\n')}\n`);
    await measure(s, 'miss', misses);
    await measure(s, 'hit', hits);
    rmSync(misses);
  }
}
const loadAfterRounds = loadavg()[0];
for (const s of servers) s.rss = rssMiB(s.child.pid);
for (const s of servers) s.garbage = await garbage(s.ip, s.port);

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = servers.map((s) => {
  const pick = (rs) => rs.find((r) => r.qps === median(rs.map((x) => x.qps)));
  return {
    label: s.label,
    hit: pick(s.hit),
    miss: pick(s.miss),
    hitCpu: median(s.hitCpu),
    missCpu: median(s.missCpu),
    rss: s.rss,
    garbage: s.garbage,
  };
});

const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
console.log(
  `dnsperf ${SECONDS} s per phase, median of ${ROUNDS} interleaved rounds, 4 clients, 100 outstanding,` +
    ` ${IDLE_TCP} idle TCP connections held; load ${loadBefore.toFixed(2)} before, ${loadAfterRounds.toFixed(2)} after;` +
    ` garbage: ${GARBAGE_CONNS} TCP connections, ${GARBAGE_AT_ONCE} at a time\n`,
);
console.log(
  'server             hits q/s  avg ms  max ms  CPU us/q | misses q/s  avg ms  max ms  CPU us/q | RSS MiB | garbage conn/s (not closed)',
);
for (const r of results) {
  console.log(
    `${r.label.padEnd(17)} ${f(r.hit.qps).padStart(9)} ${f(r.hit.avgMs, 2).padStart(7)} ${f(r.hit.maxMs, 1).padStart(7)} ${f(r.hitCpu, 1).padStart(9)} |` +
      ` ${f(r.miss.qps).padStart(10)} ${f(r.miss.avgMs, 2).padStart(7)} ${f(r.miss.maxMs, 1).padStart(7)} ${f(r.missCpu, 1).padStart(9)} |` +
      ` ${f(r.rss, 1).padStart(7)} | ${f(r.garbage.perSecond).padStart(8)} (${r.garbage.stuck})`,
  );
}
const ours = results.find((r) => r.label === 'ours');
console.log('');
for (const peer of ours ? results : []) {
  if (peer === ours) continue;
  console.log(
    `ours/${peer.label}: hits ${f(ours.hit.qps / peer.hit.qps, 2)}x q/s (CPU per query ${f(ours.hitCpu / peer.hitCpu, 2)}x),` +
      ` misses ${f(ours.miss.qps / peer.miss.qps, 2)}x q/s (CPU per query ${f(ours.missCpu / peer.missCpu, 2)}x),` +
      ` RSS ${f(ours.rss / peer.rss, 2)}x, garbage ${f(ours.garbage.perSecond / peer.garbage.perSecond, 2)}x`,
  );
}
cleanup();
process.exit(0);
