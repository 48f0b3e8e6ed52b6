#!/usr/bin/env node
// dnscache side by side: ours and Debian's, same configuration, same tinydns upstream on
// loopback; dnsperf measures queries per second and latency on cache hits (one name asked
// over and over) and cache misses (every name new, answered by a tinydns wildcard).
// Needs root (port 53). unbound and dnsmasq are included only when already installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const OURS = join(root, 'packages/dnscache/bin/dnscache.js');
const BASE = '127.53.100';
const TINY = `${BASE}.1`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'bench-dnscache-'));
const children = [];

function id(flag, name) {
  return spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim();
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitAnswer(ip) {
  for (let i = 0; i < 200; i++) {
    const r = spawnSync('/usr/bin/dnsq', ['a', 'www.test', ip], { encoding: 'utf8' });
    if (r.stdout.includes('answer:')) return;
    const q = spawnSync('/usr/bin/dnsqr', ['a', 'www.test'], { encoding: 'utf8', env: { DNSCACHEIP: ip } });
    if (q.stdout.includes('answer:')) return;
    await sleep(50);
  }
  throw new Error(`no answer from ${ip}`);
}

function startTinydns() {
  const r = join(dir, 'tinydns');
  mkdirSync(r);
  writeFileSync(join(r, 'data'), `.test:${TINY}:a\n+www.test:127.0.0.11:86400\n+*.w.test:127.0.0.12:86400\n`);
  spawnSync('/usr/sbin/tinydns-data', [], { cwd: r });
  const env = { IP: TINY, ROOT: r, UID: id('-u', 'tinydns'), GID: id('-g', 'tinydns') };
  children.push(spawn('/usr/sbin/tinydns', [], { env, stdio: 'ignore' }));
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

function startCache(kind, ip) {
  const env = cacheEnv(kind, ip);
  const stdin = openSync(join(env.ROOT, 'seed'), 'r');
  // Ours runs as a service's run script runs it: the program itself, its #! line giving node
  // its flags, with the pinned Node first on PATH.
  const file = kind === 'ours' ? OURS : '/usr/sbin/dnscache';
  if (kind === 'ours') env.PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
  const child = spawn(file, [], { env, stdio: [stdin, 'ignore', 'ignore'] });
  children.push(child);
  return child;
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function dnsperf(ip, file) {
  const r = spawnSync('dnsperf', ['-s', ip, '-d', file, '-l', String(SECONDS), '-c', '4', '-q', '100', '-t', '2'], {
    encoding: 'utf8',
  });
  const out = r.stdout;
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const lat = /Average Latency \(s\):\s+([\d.]+)\s+\(min ([\d.]+), max ([\d.]+)\)/.exec(out);
  const lost = Number(/Queries lost:\s+(\d+)/.exec(out)?.[1] ?? Number.NaN);
  return { qps, avgMs: Number(lat?.[1]) * 1000, maxMs: Number(lat?.[3]) * 1000, lost };
}

function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);

if (process.getuid?.() !== 0) {
  console.log('dnscache bench: needs root (port 53); skipped');
  process.exit(0);
}
if (!existsSync('/usr/bin/dnsperf') || !existsSync('/usr/sbin/dnscache')) {
  console.log('dnscache bench: needs dnsperf and Debian dnscache; skipped');
  process.exit(0);
}

startTinydns();
await waitAnswer(TINY);
const hits = join(dir, 'hits.txt');
writeFileSync(hits, 'www.test A\n');
const results = [];
const servers = [
  ['debian dnscache', 'debian', `${BASE}.11`],
  ['ours', 'ours', `${BASE}.10`],
];
for (const which of ['unbound', 'dnsmasq']) {
  if (spawnSync('sh', ['-c', `command -v ${which}`]).status === 0)
    console.log(`(${which} is installed but not wired in)`);
  else console.log(`(${which} not installed: skipped)`);
}
const started = [];
for (const [label, kind, ip] of servers) {
  const child = startCache(kind, ip);
  await waitAnswer(ip);
  started.push({ label, kind, ip, child, hit: [], miss: [], hitCpu: [], missCpu: [] });
}

// CPU seconds (user + system) the process has used: a per-query cost that load on the machine
// does not distort the way queries per second are distorted.
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function measure(s, kind, file) {
  const before = cpuSeconds(s.child.pid);
  const r = dnsperf(s.ip, file);
  const cpu = cpuSeconds(s.child.pid) - before;
  s[kind].push(r);
  s[`${kind}Cpu`].push((cpu / (r.qps * SECONDS)) * 1e6);
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const loadBefore = loadavg()[0];
for (let round = 0; round < ROUNDS; round++) {
  for (const s of started) {
    const misses = join(dir, `misses-${s.kind}-${round}.txt`);
    const names = [];
    for (let i = 0; i < 600000; i++) names.push(`r${round}-${s.kind}${i}.w.test A`);
    writeFileSync(misses, `${names.join('\n')}\n`);
    measure(s, 'miss', misses);
    measure(s, 'hit', hits);
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const s of started) {
  const pick = (rs) => rs.find((r) => r.qps === median(rs.map((x) => x.qps)));
  results.push({
    label: s.label,
    hit: pick(s.hit),
    miss: pick(s.miss),
    hitCpu: median(s.hitCpu),
    missCpu: median(s.missCpu),
    rss: rssMiB(s.child.pid),
  });
}

const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
console.log(
  `dnsperf ${SECONDS} s per phase, median of ${ROUNDS} interleaved rounds, 4 clients, 100 outstanding;` +
    ` load ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after\n`,
);
console.log('server            hits q/s  avg ms  max ms  CPU us/q | misses q/s  avg ms  max ms  CPU us/q | RSS MiB');
for (const r of results) {
  console.log(
    `${r.label.padEnd(16)} ${f(r.hit.qps).padStart(9)} ${f(r.hit.avgMs, 2).padStart(7)} ${f(r.hit.maxMs, 1).padStart(7)} ${f(r.hitCpu, 1).padStart(9)} |` +
      ` ${f(r.miss.qps).padStart(10)} ${f(r.miss.avgMs, 2).padStart(7)} ${f(r.miss.maxMs, 1).padStart(7)} ${f(r.missCpu, 1).padStart(9)} | ${f(r.rss, 1).padStart(7)}`,
  );
}
const [debian, ours] = results;
console.log(
  `\nratio ours/debian: hits ${f(ours.hit.qps / debian.hit.qps, 2)}x q/s (CPU per query ${f(ours.hitCpu / debian.hitCpu, 2)}x),` +
    ` misses ${f(ours.miss.qps / debian.miss.qps, 2)}x q/s (CPU per query ${f(ours.missCpu / debian.missCpu, 2)}x), RSS ${f(ours.rss / debian.rss, 2)}x`,
);
cleanup();
process.exit(0);
