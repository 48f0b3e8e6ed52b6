#!/usr/bin/env node
// npm run faults [-- --quick] [-- --only NAME,...] [-- --log-kills N --sup-kills N --fuzz-bytes N
//                 --rate LINES_PER_S --seed N --status-timeout MS]
// The fault suite: the same faults against fortress's programs and Debian's daemontools,
// ucspi-tcp and chainloaders, side by side, one table per fault and a summary. Every step
// has a deadline; a fault not yet fixed is reported as a failure, never waited on forever.
// Needs root (a tmpfs for the full disk, /proc of every process for the sweep).
import { badInput } from './bad-input.js';
import { controlFuzz } from './control-fuzz.js';
import { fullDisk } from './full-disk.js';
import { cleanupAll, printTable } from './lib.js';
import { logLoss } from './log-loss.js';
import { statusFiles } from './status-files.js';
import { supervisorKills } from './supervisor-kills.js';

const FAULTS = {
  'log-loss': logLoss,
  'supervisor-kills': supervisorKills,
  'full-disk': fullDisk,
  'control-fuzz': controlFuzz,
  'status-files': statusFiles,
  'bad-input': badInput,
};

const USAGE =
  'faults: usage: faults [--quick] [--only NAME,...] [--log-kills N] [--sup-kills N] [--fuzz-bytes N] [--rate N] [--seed N] [--status-timeout MS]';

function parseArgs(argv) {
  const quick = argv.includes('--quick');
  const opts = {
    quick,
    kills: quick ? 20 : 160,
    supKills: quick ? 4 : 20,
    fuzzBytes: quick ? 2000 : 10_000,
    rate: 10_000,
    seed: 20,
    statusTimeoutMs: quick ? 2000 : 3000,
    only: Object.keys(FAULTS),
  };
  const numeric = {
    '--log-kills': 'kills',
    '--sup-kills': 'supKills',
    '--fuzz-bytes': 'fuzzBytes',
    '--rate': 'rate',
    '--seed': 'seed',
    '--status-timeout': 'statusTimeoutMs',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') continue;
    if (arg === '--only') {
      opts.only = String(argv[++i] ?? '').split(',');
      for (const name of opts.only) {
        if (!FAULTS[name]) usage(`no fault ${name}; have: ${Object.keys(FAULTS).join(' ')}`);
      }
    } else if (numeric[arg]) {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) usage(`option ${arg}: expected a whole number, got ${argv[i]}`);
      opts[numeric[arg]] = n;
    } else usage(`unknown argument ${arg}`);
  }
  // Bursts every 5 ms make the offered rate.
  opts.burst = Math.max(1, Math.round(opts.rate / 200));
  opts.pauseS = 0.005;
  opts.maxDelayMs = 300;
  return opts;
}

function usage(why) {
  console.error(USAGE);
  console.error(`faults: ${why}`);
  process.exit(100);
}

const opts = parseArgs(process.argv.slice(2));
if (process.getuid?.() !== 0) {
  console.error('faults: fatal: needs root (a tmpfs mount, and /proc of the processes it sweeps)');
  process.exit(111);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanupAll();
    process.exit(111);
  });
}
process.on('exit', cleanupAll);

// A fault gets this long before it is abandoned (its processes killed, its files removed).
const FAULT_DEADLINE_MS = (opts.quick ? 4 : 12) * 60_000;
const summary = [];
const began = Date.now();
console.log(
  `fault suite (${opts.quick ? 'quick' : 'full'}): seed ${opts.seed}; ours = node_modules/.bin, Debian's = /usr/bin`,
);
for (const name of opts.only) {
  const t0 = Date.now();
  let result;
  try {
    let timer;
    result = await Promise.race([
      FAULTS[name](opts),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`abandoned after ${FAULT_DEADLINE_MS / 1000} s`)), FAULT_DEADLINE_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (err) {
    result = { title: name, rows: [['error', err.message, err.message]], verdict: { ours: false, debian: false } };
  }
  cleanupAll();
  console.log(`\n### ${result.title} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  printTable(result.header ?? ['', 'ours', "Debian's"], result.rows);
  for (const note of result.notes ?? []) console.log(note);
  summary.push([name, verdictCell(result, 'ours'), verdictCell(result, 'debian')]);
}

function verdictCell(result, key) {
  const v = result.verdict?.[key];
  const word = v === true ? 'pass' : v === false ? 'FAIL' : (v ?? '-');
  const detail = result.summary?.[key];
  return detail ? `${word}: ${detail}` : word;
}

console.log(`\n### summary (${((Date.now() - began) / 1000).toFixed(0)} s)\n`);
printTable(['fault', 'ours', "Debian's"], summary);
process.exit(0);
