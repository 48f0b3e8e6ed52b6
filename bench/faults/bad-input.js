// Malformed input to the chain loaders and tcprules: envdir directories with a dangling
// symlink, a FIFO, a name that is not UTF-8; envfile on a FIFO; tcprules lines with host bits,
// a non-numeric prefix, ::/0 and non-ASCII bytes. Exit code and output, ours beside Debian's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, makeContext, SYSTEMS, showBytes } from './lib.js';

const [ours, debian] = SYSTEMS;

const ENVDIRS = [
  { name: 'dangling symlink', make: (d) => symlinkSync('/nonexistent/value', join(d, 'GONE')) },
  { name: 'FIFO', make: (d) => spawnSync('mkfifo', [join(d, 'PIPE')]) },
  {
    name: 'name not UTF-8 (\\xff\\xfeN)',
    make: (d) => writeFileSync(Buffer.concat([Buffer.from(`${d}/`), Buffer.from([0xff, 0xfe, 0x4e])]), 'v\n'),
  },
  { name: 'value not UTF-8', make: (d) => writeFileSync(join(d, 'BYTES'), Buffer.from([0x61, 0xff, 0xfe, 0x0a])) },
  { name: 'subdirectory', make: (d) => mkdirSync(join(d, 'SUB')) },
];

const RULES = [
  { name: 'baseline 127.0.0.1', text: '127.0.0.1:allow\n:deny\n' },
  { name: 'host bits 10.0.0.1/8', text: '10.0.0.1/8:allow\n' },
  { name: '0.0.0.0/0', text: '0.0.0.0/0:allow\n' },
  { name: 'prefix /abc', text: '10.0.0.0/abc:allow\n' },
  { name: 'prefix /33', text: '10.0.0.0/33:allow\n' },
  { name: '::/0', text: '::/0:allow\n' },
  { name: ':::allow', text: ':::allow\n' },
  { name: 'bad instruction \\xff', text: Buffer.from([0x31, 0x2e, 0x3a, 0xff, 0x0a]) },
];

/** The keys of a cdb file (djb's constant database), in file order. */
function cdbKeys(path) {
  const b = readFileSync(path);
  let end = b.length;
  for (let i = 0; i < 256; i++) end = Math.min(end, b.readUInt32LE(i * 8));
  const keys = [];
  for (let p = 2048; p + 8 <= end; ) {
    const klen = b.readUInt32LE(p);
    const dlen = b.readUInt32LE(p + 4);
    keys.push(showBytes(b.subarray(p + 8, p + 8 + klen), 40) || '""');
    p += 8 + klen + dlen;
  }
  return keys;
}

/** stderr without the temporary directory, so ours and Debian's read alike. */
const short = (ctx, system, buf) =>
  showBytes(
    Buffer.from(buf.toString('latin1').split(`${ctx.dir}/${system.key}/`).join(''), 'latin1').subarray(0, 300),
    70,
  ).replace(/\\n$/, '');

async function envdirCase(ctx, system, c, i) {
  const dir = join(ctx.dir, system.key, `env${i}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'OK'), 'fine\n');
  c.make(dir);
  const r = await ctx.run(system.bin('envdir'), [dir, '/usr/bin/env'], { system, timeoutMs: 5000 });
  const set = r.stdout
    .toString('latin1')
    .split('\n')
    .filter((l) => l && !/^(PATH|HOME|LANG|FORTRESS_FAULTS_TAG)=/.test(l));
  const word = classify(r);
  if (!word.startsWith('ok')) return word;
  return `exit ${r.code}: ${r.code === 0 ? showBytes(Buffer.from(set.join(' '), 'latin1'), 50) : short(ctx, system, r.stderr)}`;
}

async function envfileFifo(ctx) {
  const fifo = join(ctx.dir, 'env.fifo');
  spawnSync('mkfifo', [fifo]);
  const r = await ctx.run(ours.bin('envfile'), [fifo, '/usr/bin/true'], { system: ours, timeoutMs: 5000 });
  const word = classify(r);
  return word.startsWith('ok') ? `exit ${r.code} ${short(ctx, ours, r.stderr)}` : word;
}

async function rulesCase(ctx, system, c, i) {
  const dir = join(ctx.dir, system.key, `rules${i}`);
  mkdirSync(dir, { recursive: true });
  const r = await ctx.run(system.bin('tcprules'), ['rules.cdb', 'rules.tmp'], {
    system,
    cwd: dir,
    input: c.text,
    timeoutMs: 10_000,
  });
  const word = classify(r);
  if (!word.startsWith('ok')) return word;
  if (r.code !== 0) return `exit ${r.code}: ${short(ctx, system, r.stderr)}`;
  const keys = existsSync(join(dir, 'rules.cdb')) ? cdbKeys(join(dir, 'rules.cdb')) : [];
  const list = keys.length > 4 ? `${keys.slice(0, 3).join(' ')} ... (${keys.length} keys)` : keys.join(' ');
  return `exit 0, keys: ${list}`;
}

export async function badInput() {
  const ctx = makeContext('input');
  try {
    const rows = [];
    for (const [i, c] of ENVDIRS.entries()) {
      const [a, b] = await Promise.all([envdirCase(ctx, ours, c, i), envdirCase(ctx, debian, c, i)]);
      rows.push([`envdir: ${c.name}`, a, b]);
    }
    rows.push(['envfile: a FIFO', await envfileFifo(ctx), '(no envfile)']);
    for (const [i, c] of RULES.entries()) {
      const [a, b] = await Promise.all([rulesCase(ctx, ours, c, i), rulesCase(ctx, debian, c, i)]);
      rows.push([`tcprules: ${c.name}`, a, b]);
    }
    const broken = (cell) => /^(hang|grew|crash)/.test(cell);
    const oursBroken = rows.filter((r) => broken(r[1])).length;
    const debianBroken = rows.filter((r) => broken(r[2])).length;
    const differ = rows.filter((r) => r[2] !== '(no envfile)' && r[1] !== r[2]).length;
    return {
      title: 'malformed envdir, envfile and tcprules input (outputs: variables set, cdb keys, or stderr)',
      header: ['case', 'ours', "Debian's"],
      rows,
      notes: [`\n${differ} of ${rows.length - 1} cases differ from Debian's; not every difference is a fault.`],
      verdict: { ours: oursBroken === 0, debian: debianBroken === 0 },
      summary: {
        ours: `${oursBroken} hang/crash, ${differ} differ from Debian's`,
        debian: `${debianBroken} hang/crash`,
      },
    };
  } finally {
    ctx.cleanup();
  }
}
