#!/usr/bin/env node
// Start-up cost of the chain loaders: wall time of one link (`setuidgid nobody true` and the
// others) and of a chain of three, ours beside Debian's and beside a bare `node -e 0`.
// Target (issue 5): each link of ours <= 1.3 x a bare Node start.
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
];

function once(argv) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status} ${r.stderr}`);
  return ms;
}

const samples = new Map(cases.map(([name]) => [name, []]));
for (const [, argv] of cases) once(argv); // warm caches (and Node's compile cache)
for (let i = 0; i < rounds; i++) {
  for (const [name, argv] of cases) samples.get(name).push(once(argv));
}
rmSync(work, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const node = median(samples.get('node -e 0'));
console.log(`${rounds} rounds, median wall time per run (spawnSync, ${process.version})\n`);
console.log(`${'case'.padEnd(44)} ${'ms'.padStart(8)} ${'x node -e 0'.padStart(12)} ${'per link x node'.padStart(16)}`);
for (const [name] of cases) {
  const ms = median(samples.get(name));
  const links = name.includes('chain') ? 3 : 1;
  const perLink = name.startsWith('ours') ? (ms / links / node).toFixed(2) : '';
  console.log(
    `${name.padEnd(44)} ${ms.toFixed(2).padStart(8)} ${(ms / node).toFixed(2).padStart(12)} ${perLink.padStart(16)}`,
  );
}
