// Corrupt status files: a service directory whose supervise/ok FIFO this process holds open
// (so readers believe a supervisor runs) and whose status or status.json is truncated,
// garbage, a FIFO, a symlink to /dev/zero or /dev/urandom, a directory... Each reader runs
// under a deadline with a memory and output cap: crash, hang, grew, garbage (absurd numbers
// passed through), or ok.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, makeContext, prng, SYSTEMS, showBytes } from './lib.js';

const ours = SYSTEMS[0];
const debian = SYSTEMS[1];

function status18({ unixSeconds, pid, paused = 0, want = 0x75, tai }) {
  const b = Buffer.alloc(18);
  b.writeBigUInt64BE(tai ?? 0x400000000000000an + BigInt(unixSeconds), 0);
  b.writeUInt32BE(500, 8);
  b.writeUInt32LE(pid >>> 0, 12);
  b[16] = paused;
  b[17] = want;
  return b;
}

const json = (o) => JSON.stringify(o);

/** Each case changes a valid pair (status, status.json) in one way. */
function cases(pid, seed) {
  const random = prng(seed);
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const now = Math.floor(Date.now() / 1000);
  const base = { pid, pgid: pid, starts: 1, lastStart: now * 1000, lastExit: null, supervisor: process.pid };
  const withJson = (o) => ({ json: json({ ...base, ...o }) });
  return [
    { name: 'valid (baseline)' },
    { name: 'status: empty', status: Buffer.alloc(0) },
    { name: 'status: 10 bytes', status: status18({ unixSeconds: now, pid }).subarray(0, 10) },
    { name: 'status: 18 random bytes', status: bytes(18) },
    { name: 'status: 4096 random bytes', status: bytes(4096) },
    { name: 'status: pid 2^32-1, far future', status: status18({ unixSeconds: 2 ** 40, pid: 0xffffffff }) },
    { name: 'status: time 0, pid 0', status: status18({ tai: 0n, pid: 0 }) },
    { name: 'status: FIFO', statusKind: 'fifo' },
    { name: 'status -> /dev/zero', statusKind: '/dev/zero' },
    { name: 'status -> /dev/urandom', statusKind: '/dev/urandom' },
    { name: 'status: a directory', statusKind: 'dir' },
    { name: 'status: dangling symlink', statusKind: '/nonexistent/status' },
    { name: 'status.json: truncated', json: '{"pid":' },
    { name: 'status.json: 200 random bytes', json: bytes(200) },
    { name: 'status.json: lastExit.signal 9', ...withJson({ lastExit: { code: null, signal: 9, at: now * 1000 } }) },
    { name: 'status.json: lastExit.signal {}', ...withJson({ lastExit: { code: null, signal: {}, at: now * 1000 } }) },
    { name: 'status.json: lastExit [1,2,3]', ...withJson({ lastExit: [1, 2, 3] }) },
    { name: 'status.json: lastStart 1.21e22', ...withJson({ lastStart: 1.21e22 }) },
    { name: 'status.json: lastExit.code 1e300', ...withJson({ lastExit: { code: 1e300, signal: null, at: 1 } }) },
    { name: 'status.json: starts -5, pid "x"', ...withJson({ starts: -5, pid: 'x', pgid: [] }) },
    { name: 'status.json: 8 MiB of spaces', json: `${' '.repeat(8 << 20)}${json(base)}` },
    { name: 'status.json: 100000 nested [', json: '['.repeat(100_000) },
    { name: 'status.json: FIFO', jsonKind: 'fifo' },
    { name: 'status.json -> /dev/zero', jsonKind: '/dev/zero' },
    { name: 'status.json -> /dev/urandom', jsonKind: '/dev/urandom' },
    { name: 'status.json: a directory', jsonKind: 'dir' },
  ].map((c) => ({ ...c, base: { status: status18({ unixSeconds: now, pid }), json: json(base) } }));
}

function place(path, content, kind) {
  if (kind === 'fifo') spawnSync('mkfifo', ['-m', '0644', path]);
  else if (kind === 'dir') mkdirSync(path);
  else if (kind) symlinkSync(kind, path);
  else writeFileSync(path, content);
}

/** A scan directory with one service `svc` in the state the case describes. */
function makeCase(ctx, i, c) {
  const scan = join(ctx.dir, `case${i}`);
  const sup = join(scan, 'svc', 'supervise');
  mkdirSync(sup, { recursive: true });
  spawnSync('mkfifo', ['-m', '0600', join(sup, 'ok'), join(sup, 'control')]);
  place(join(sup, 'status'), c.status ?? c.base.status, c.statusKind);
  place(join(sup, 'status.json'), c.json ?? c.base.json, c.jsonKind);
  // Held open for the readers' liveness check, never read.
  const ok = openSync(join(sup, 'ok'), constants.O_RDONLY | constants.O_NONBLOCK);
  return { scan, dir: join(scan, 'svc'), ok };
}

const READERS = [
  { label: 'ours svstat', system: ours, args: (p) => [ours.bin('svstat'), [p.dir]] },
  { label: 'ours svstat --json', system: ours, args: (p) => [ours.bin('svstat'), ['--json', p.dir]], schema: true },
  { label: 'ours fortress status', system: ours, args: (p) => [ours.bin('fortress'), ['status', p.scan]], text: true },
  { label: "Debian's svstat", system: debian, args: (p) => [debian.bin('svstat'), [p.dir]] },
];

// Absurd numbers or JavaScript's placeholders in output meant for people.
const GARBAGE = /\de\+\d|undefined|NaN|Infinity|\[object/;

const count = (v) => v === null || (Number.isSafeInteger(v) && v >= 0);
const CHECKS = {
  state: (v) => ['up', 'down', 'unsupervised', 'unknown'].includes(v),
  pid: (v) => v === null || (Number.isInteger(v) && v >= 0 && v < 2 ** 32),
  supervisor: (v) => v === undefined || v === null || (Number.isInteger(v) && v > 0 && v < 2 ** 32),
  seconds: count,
  since: count,
  lastStart: (v) => v === undefined || count(v),
  starts: (v) => v === undefined || count(v),
  restarts: (v) => v === undefined || count(v),
  lastExit: (v) =>
    v === undefined ||
    v === null ||
    (typeof v === 'object' &&
      !Array.isArray(v) &&
      (v.code === null || (Number.isInteger(v.code) && v.code >= 0 && v.code <= 255)) &&
      (v.signal === null || typeof v.signal === 'string') &&
      count(v.at ?? null)),
};

/** The first field of svstat --json's line that breaks its schema, or null. */
function jsonFault(text) {
  let o;
  try {
    o = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  for (const [field, ok] of Object.entries(CHECKS)) {
    if (!ok(o[field])) return `${field}: ${JSON.stringify(o[field])?.slice(0, 40)}`;
  }
  return null;
}

function verdict(r, reader) {
  const word = classify(r);
  if (!word.startsWith('ok')) return { word };
  const out = r.stdout.toString('latin1');
  if (reader.schema) {
    const fault = jsonFault(out);
    if (fault) return { word: `garbage(${r.code})`, why: fault };
  } else if (reader.text && GARBAGE.test(out)) return { word: `garbage(${r.code})`, why: GARBAGE.exec(out)[0] };
  return { word };
}

export async function statusFiles(opts) {
  const ctx = makeContext('status');
  try {
    const sleeper = ctx.spawn('sleep', ['3600']);
    const list = cases(sleeper.pid, opts.seed);
    const prepared = list.map((c, i) => makeCase(ctx, i, c));
    const jobs = [];
    for (let i = 0; i < list.length; i++) {
      for (const reader of READERS) jobs.push({ i, reader });
    }
    const results = new Map();
    // Two at a time: every hang costs its whole deadline.
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const [command, args] = job.reader.args(prepared[job.i]);
        const r = await ctx.run(command, args, { system: job.reader.system, timeoutMs: opts.statusTimeoutMs });
        results.set(`${job.i}/${job.reader.label}`, { r, ...verdict(r, job.reader) });
      }
    };
    await Promise.all([worker(), worker()]);
    for (const p of prepared) closeSync(p.ok);
    const rows = list.map((c, i) => [c.name, ...READERS.map((reader) => results.get(`${i}/${reader.label}`).word)]);
    const texts = list.map((c, i) => [
      c.name,
      ...[READERS[0], READERS[3]].map((reader) => {
        const { r } = results.get(`${i}/${reader.label}`);
        const out = (r.stdout.length ? r.stdout : r.stderr).toString('latin1').split(prepared[i].dir).join('D');
        return r.outcome === 'exit' ? showBytes(Buffer.from(out.trimEnd(), 'latin1'), 60) : r.outcome;
      }),
    ]);
    const bad = (label) => list.filter((_, i) => !results.get(`${i}/${label}`).word.startsWith('ok')).length;
    const oursBad = READERS.slice(0, 3).map((reader) => bad(reader.label));
    const debianBad = bad(READERS[3].label);
    const worst = (label) => {
      const counts = {};
      for (let i = 0; i < list.length; i++) {
        const w = results.get(`${i}/${label}`).word.replace(/\(.*\)/, '');
        if (w !== 'ok') counts[w] = (counts[w] ?? 0) + 1;
      }
      return Object.entries(counts)
        .map(([w, n]) => `${n} ${w}`)
        .join(', ');
    };
    return {
      title: `corrupt status files: ${list.length} cases, each reader under a ${opts.statusTimeoutMs / 1000} s deadline, 300 MB cap`,
      header: ['case', ...READERS.map((r) => r.label)],
      rows,
      notes: [
        '\ngarbage found (the first field out of its schema, or the text):\n',
        ...list.flatMap((c, i) =>
          READERS.map((reader) => [reader.label, results.get(`${i}/${reader.label}`).why])
            .filter(([, why]) => why)
            .map(([label, why]) => `  ${c.name}, ${label}: ${why}`),
        ),
        '\nwhat svstat printed (D = the service directory):\n',
        ...tableLines(['case', 'ours svstat', "Debian's svstat"], texts),
      ],
      verdict: { ours: oursBad.every((n) => n === 0), debian: debianBad === 0 },
      summary: {
        ours: READERS.slice(0, 3)
          .map((reader) => `${reader.label.replace('ours ', '')}: ${worst(reader.label) || 'all ok'}`)
          .join('; '),
        debian: worst(READERS[3].label) || `all ${list.length} ok`,
      },
    };
  } finally {
    ctx.cleanup();
  }
}

function tableLines(header, rows) {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => String(r[i]).length)));
  const line = (r) =>
    r
      .map((c, i) => String(c).padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
}
