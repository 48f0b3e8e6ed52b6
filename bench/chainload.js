#!/usr/bin/env node
// Start-up cost of the chain loaders: wall time of one link (`setuidgid nobody true` and the
// others) and of a chain of three, ours beside Debian's and beside a bare `node -e 0`.
// Targets: each link of ours <= 1.3 x a bare Node start (issue 5); the usual ./run line, a chain
// of three run in one Node (in-process chaining), <= 1.25 x a bare Node start (issue 17).
// `FORTRESS_CHAIN=exec` rows are the same chain exec'd link by link, as before in-process chaining.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const bin = join(repo, 'node_modules/.bin');
const rounds = Number(process.env.ROUNDS ?? 40);
const work = mkdtempSync(join(tmpdir(), 'bench-chainload-'));
const envDir = join(work, 'env');
mkdirSync(envDir);
writeFileSync(join(envDir, 'A'), 'value\n');
writeFileSync(join(work, 'file.env'), 'A=value\n');
const lock = join(work, 'lock');
// Our programs run as a user runs them: by name, through the bin shim's `#!/usr/bin/env node`.
const env = { PATH: `${bin}:/usr/bin:/bin`, LANG: 'C' };
const ours = (name) => join(bin, name);
const theirs = (name) => `/usr/bin/${name}`;

const cases = [
  ['C true', ['/bin/true']],
  ['node -e 0', [join(bin, 'node'), '-e', '0']],
  ['debian setuidgid nobody true', [theirs('setuidgid'), 'nobody', '/bin/true']],
  ['ours   setuidgid nobody true', [ours('setuidgid'), 'nobody', '/bin/true']],
  ['debian envuidgid nobody true', [theirs('envuidgid'), 'nobody', '/bin/true']],
  ['ours   envuidgid nobody true', [ours('envuidgid'), 'nobody', '/bin/true']],
  ['debian envdir DIR true', [theirs('envdir'), envDir, '/bin/true']],
  ['ours   envdir DIR true', [ours('envdir'), envDir, '/bin/true']],
  ['ours   envfile FILE true', [ours('envfile'), join(work, 'file.env'), '/bin/true']],
  ['debian softlimit -o 100 true', [theirs('softlimit'), '-o', '100', '/bin/true']],
  ['ours   softlimit -o 100 true', [ours('softlimit'), '-o', '100', '/bin/true']],
  ['debian setlock FILE true', [theirs('setlock'), lock, '/bin/true']],
  ['ours   setlock FILE true', [ours('setlock'), lock, '/bin/true']],
  ['debian pgrphack true', [theirs('pgrphack'), '/bin/true']],
  ['ours   pgrphack true', [ours('pgrphack'), '/bin/true']],
  [
    'debian chain envdir+softlimit+setuidgid',
    [theirs('envdir'), envDir, theirs('softlimit'), '-o', '100', theirs('setuidgid'), 'nobody', '/bin/true'],
  ],
  [
    'ours   chain envdir+softlimit+setuidgid',
    [ours('envdir'), envDir, ours('softlimit'), '-o', '100', ours('setuidgid'), 'nobody', '/bin/true'],
  ],
  [
    'ours   chain ... FORTRESS_CHAIN=exec',
    [ours('envdir'), envDir, ours('softlimit'), '-o', '100', ours('setuidgid'), 'nobody', '/bin/true'],
    { FORTRESS_CHAIN: 'exec' },
  ],
  // The usual ./run line, `envdir ./env softlimit -m 3000000 setuidgid app ./server`, with names
  // found in PATH as run scripts give them (exec'd link by link, a Node link cannot start under
  // -m 3000000: no FORTRESS_CHAIN=exec row).
  [
    'debian chain of three (./run line)',
    ['/usr/bin/envdir', envDir, '/usr/bin/softlimit', '-m', '3000000', '/usr/bin/setuidgid', 'nobody', 'true'],
  ],
  [
    'ours   chain of three (./run line)',
    ['envdir', envDir, 'softlimit', '-m', '3000000', 'setuidgid', 'nobody', 'true'],
  ],
];

function once(argv, extra = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status} ${r.stderr}`);
  return ms;
}

// CPU time (user + system) per run, from bash's `times` over a batch: steadier than wall time on
// a loaded machine.
function cpuPerRun(argv, n, extra = {}) {
  const script = 'n=$1; shift; for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1; done; times';
  const r = spawnSync('/bin/bash', ['--norc', '-c', script, 'bash', String(n), ...argv], {
    env: { ...env, ...extra },
    encoding: 'utf8',
  });
  const [, children] = r.stdout.trim().split('\n');
  const seconds = children
    .split(/\s+/)
    .map((t) => /^(\d+)m([\d.]+)s$/.exec(t))
    .reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return (seconds * 1000) / n;
}

const samples = new Map(cases.map(([name]) => [name, []]));
for (const [, argv, extra] of cases) once(argv, extra); // warm caches (and Node's compile cache)
for (let i = 0; i < rounds; i++) {
  for (const [name, argv, extra] of cases) samples.get(name).push(once(argv, extra));
}
const cpu = new Map(cases.map(([name, argv, extra]) => [name, cpuPerRun(argv, rounds, extra)]));
rmSync(work, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const node = median(samples.get('node -e 0'));
const nodeCpu = cpu.get('node -e 0');
console.log(`${rounds} rounds (${process.version}): median wall time per run (spawnSync, interleaved)`);
console.log('and mean CPU time (user+sys) per run over a batch; link = time / links / node -e 0\n');
const head = ['case'.padEnd(44), 'wall ms', 'x node', 'cpu ms', 'x node', 'link wall', 'link cpu'];
console.log(head.map((h, i) => (i ? h.padStart(10) : h)).join(''));
for (const [name] of cases) {
  const ms = median(samples.get(name));
  const c = cpu.get(name);
  // Per Node start: a chain exec'd link by link starts three, one in-process starts one.
  const links = name.includes('FORTRESS_CHAIN=exec') ? 3 : 1;
  const link = (x, base) => (name.startsWith('ours') ? (x / links / base).toFixed(2) : '');
  const cols = [
    ms.toFixed(2),
    (ms / node).toFixed(2),
    c.toFixed(2),
    (c / nodeCpu).toFixed(2),
    link(ms, node),
    link(c, nodeCpu),
  ];
  console.log(name.padEnd(44) + cols.map((x) => x.padStart(10)).join(''));
}

const runLine = median(samples.get('ours   chain of three (./run line)'));
console.log(
  `\nchain of three (./run line), in one Node: ${(runLine / node).toFixed(2)} x node -e 0 (target <= 1.25), ` +
    `Debian's ${median(samples.get('debian chain of three (./run line)')).toFixed(2)} ms`,
);
