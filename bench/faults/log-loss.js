// Log loss: a service writes numbered lines (one write each) through svscan's log pipe into
// multilog; the logger is SIGKILLed N times while it works; then every line of the log
// directory is counted: lost (never in any file), torn (not a whole line), duplicated.
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { alive, bothSystems, cmdline, makeContext, prng, sleep, statusPid, waitFor } from './lib.js';

const PAD = 'x'.repeat(40);
const LINE = new RegExp(`^L(\\d+) ${PAD}$`);

// Writes bursts of lines, one syscall per line, until ./stop exists; then records the last
// number in ./written and idles (a restart never numbers from 1 again).
const WRITER = `
$| = 1;
if (-e 'written') { sleep 1000000 while 1; }
my ($i, $refused, $burst, $pause) = (0, 0, $ARGV[0], $ARGV[1]);
until (-e 'stop') {
  for (1 .. $burst) {
    $i++;
    # A refused write (EAGAIN: a non-blocking pipe) is retried and counted, never dropped.
    until (defined syswrite(STDOUT, "L$i ${PAD}\\n")) { $refused++; select(undef, undef, undef, 0.001); }
  }
  select(undef, undef, undef, $pause);
}
open(my $f, '>', 'written.tmp') or die; print $f "$i $refused\\n"; close $f; rename 'written.tmp', 'written';
sleep 1000000 while 1;
`;

function makeScan(ctx, system, { burst, pauseS }) {
  const scan = join(ctx.dir, 'scan');
  const svc = join(ctx.dir, 'svc');
  mkdirSync(join(svc, 'log'), { recursive: true });
  mkdirSync(scan);
  writeFileSync(join(svc, 'writer.pl'), WRITER);
  writeFileSync(join(svc, 'run'), `#!/bin/sh\nexec perl ./writer.pl ${burst} ${pauseS}\n`);
  writeFileSync(join(svc, 'log', 'run'), `#!/bin/sh\nexec ${system.bin('multilog')} s16777215 n1000 ./main\n`);
  chmodSync(join(svc, 'run'), 0o755);
  chmodSync(join(svc, 'log', 'run'), 0o755);
  symlinkSync(svc, join(scan, 'svc'));
  return { scan, svc };
}

/** The running logger's pid, once it is multilog (not the shell of ./run). */
function loggerPid(svc) {
  const pid = statusPid(join(svc, 'log/supervise/status'));
  return pid && alive(pid) && cmdline(pid).includes('multilog') ? pid : 0;
}

function logBytes(dir) {
  let total = 0;
  try {
    for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  } catch {}
  return total;
}

/** The number of the last whole line of a log file, from its last 512 bytes (0 if none). */
function lastLogged(path) {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(Math.min(512, size));
      readSync(fd, buf, 0, buf.length, size - buf.length);
      const lines = buf.toString('latin1').split('\n');
      for (let i = lines.length - 2; i >= 0; i--) {
        const m = LINE.exec(lines[i]);
        if (m) return Number(m[1]);
      }
    } finally {
      closeSync(fd);
    }
  } catch {}
  return 0;
}

function listing(dir) {
  return readdirSync(dir)
    .map((name) => `${name} ${statSync(join(dir, name)).size}`)
    .slice(-6)
    .join(', ');
}

/** Counts the lines of every file in the log directory against 1..last. */
export function countLines(dir, last) {
  const seen = new Uint8Array(last + 2);
  // Which file each line is in, so a gap can be placed: inside a file, or between two.
  const fileOf = new Uint32Array(last + 2);
  const names = [];
  let torn = 0;
  let duplicated = 0;
  let beyond = 0;
  let files = 0;
  for (const name of readdirSync(dir)) {
    if (!(name === 'current' || name === 'previous' || name === 'processed' || name.startsWith('@'))) continue;
    files++;
    names.push(name);
    const text = readFileSync(join(dir, name), 'latin1');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      const m = LINE.exec(line);
      if (!m) {
        torn++;
        continue;
      }
      const n = Number(m[1]);
      if (n > last || n < 1) {
        beyond++;
        continue;
      }
      if (seen[n]) duplicated++;
      else {
        seen[n] = 1;
        fileOf[n] = names.length - 1;
      }
    }
  }
  let lost = 0;
  const runs = []; // [first lost number, how many]
  for (let n = 1; n <= last; n++) {
    if (!seen[n]) {
      lost++;
      if (n === 1 || seen[n - 1]) runs.push([n, 0]);
      runs[runs.length - 1][1]++;
    }
  }
  const where = ([first, len]) => {
    const before = first > 1 ? names[fileOf[first - 1]] : 'start';
    const after = first + len <= last ? names[fileOf[first + len]] : 'end';
    return `${len} after L${first - 1} (${before === after ? `inside ${before}` : `${before} | ${after}`})`;
  };
  const largest = [...runs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(where);
  return { lost, events: runs.length, runs, largest, torn, duplicated, beyond, files };
}

async function oneSystem(system, opts) {
  const ctx = makeContext(`logloss-${system.key}`);
  try {
    const { scan, svc } = makeScan(ctx, system, opts);
    const random = prng(opts.seed + (system.key === 'ours' ? 1 : 2));
    const svscanArgs = system.key === 'ours' ? ['-q', scan] : [scan];
    ctx.spawn(system.bin('svscan'), svscanArgs, { system, log: join(ctx.dir, 'svscan.log') });
    const main = join(svc, 'log/main');
    const started = Date.now();
    // The last number in the log just before each kill: what is lost after it, the kill lost.
    const marks = [];
    let kills = 0;
    let stuck = 0;
    // Each kill waits for the next logger (at least a second of restart pacing): a budget
    // keeps a slow machine or a logger that restarts slowly from stretching the run.
    const budgetEnd = started + Math.max(60, opts.kills * 3) * 1000;
    let overBudget = false;
    for (let i = 0; i < opts.kills; i++) {
      if (Date.now() > budgetEnd) {
        overBudget = true;
        break;
      }
      const pid = await waitFor(() => loggerPid(svc), 15_000, 5);
      // Killed only once it writes (a Node multilog takes a while to start reading).
      const before = logBytes(main);
      if (!pid || !(await waitFor(() => logBytes(main) > before, 15_000, 5))) {
        stuck++;
        break;
      }
      // Let it work: a backlog builds up while no logger runs, so it reads at full speed.
      await sleep(Math.floor(random() * opts.maxDelayMs));
      marks.push(lastLogged(join(main, 'current')));
      try {
        process.kill(pid, 'SIGKILL');
        kills++;
      } catch {}
      await waitFor(() => !alive(pid), 5000, 5);
    }
    const killSeconds = (Date.now() - started) / 1000;
    writeFileSync(join(svc, 'stop'), '');
    const writtenFile = join(svc, 'written');
    const hasWritten = await waitFor(() => existsSync(writtenFile), 15_000);
    if (!hasWritten) return { error: 'the writer never stopped' };
    const [last, refused] = readFileSync(writtenFile, 'utf8').trim().split(' ').map(Number);
    // The last line in `current` means everything before it went through too.
    const tail = `L${last} ${PAD}\n`;
    const caughtUp = await waitFor(() => {
      try {
        return readFileSync(join(main, 'current'), 'latin1').endsWith(tail);
      } catch {
        return false;
      }
    }, 30_000);
    const counts = countLines(main, last);
    // Seen at the end of `current` a moment ago, so it must have been counted.
    const vanished =
      caughtUp && counts.runs.some(([first, len]) => first + len > last)
        ? `L${last} was at the end of current, then missing: ${listing(main)}`
        : null;
    const lostBy = (k) => {
      const bound = k < marks.length ? marks[k] : Number.POSITIVE_INFINITY;
      return counts.runs.filter(([first]) => first <= bound).reduce((n, [, len]) => n + len, 0);
    };
    const checkpoints = [...new Set([Math.round(kills / 4), Math.round(kills / 2), kills])].filter((k) => k > 0);
    const byKills = checkpoints.map((k) => `${k}: ${lostBy(k)}`).join(', ');
    return {
      kills,
      stuck,
      overBudget,
      killSeconds,
      written: last,
      refused,
      caughtUp: Boolean(caughtUp),
      byKills,
      vanished,
      ...counts,
    };
  } finally {
    ctx.cleanup();
  }
}

export async function logLoss(opts) {
  const r = await bothSystems((system) => oneSystem(system, opts));
  const per100 = (x) => (x.kills ? ((100 * x.lost) / x.kills).toFixed(1) : '-');
  const cell = (x, f) => (x.error ? `error: ${x.error}` : f(x));
  const rows = [
    [
      'logger SIGKILLs',
      (x) =>
        `${x.kills}${x.stuck ? ' (logger stopped restarting)' : ''}${x.overBudget ? ' (time budget reached)' : ''} in ${x.killSeconds.toFixed(0)} s`,
    ],
    ['lines written', (x) => x.written],
    ["service's writes refused (EAGAIN), retried", (x) => x.refused],
    ['lines lost', (x) => x.lost],
    ['loss events (runs of lost lines)', (x) => x.events],
    ['lines lost by the first K kills (K: lost)', (x) => x.byKills],
    ['lost lines per 100 kills', per100],
    ['torn lines', (x) => x.torn],
    ['duplicated lines', (x) => x.duplicated],
    ['log files (.u from kills)', (x) => x.files],
    ['caught up after the kills', (x) => (x.caughtUp ? 'yes' : 'NO')],
  ].map(([label, f]) => [label, cell(r.ours, f), cell(r.debian, f)]);
  const pass = (x) => !x.error && x.lost === 0 && x.torn === 0 && x.duplicated === 0 && x.caughtUp;
  const largest = (x) => (x.error || !x.largest.length ? 'none' : x.largest.join('; '));
  return {
    notes: [
      `\nlargest loss events (lines, the line before the gap, its file | the next line's file):`,
      `  ours: ${largest(r.ours)}`,
      `  Debian's: ${largest(r.debian)}`,
      ...[r.ours, r.debian].filter((x) => x.vanished).map((x) => `  counting raced the log: ${x.vanished}`),
    ],
    title: `log loss: ${opts.kills} SIGKILLs of the logger under svscan, ${opts.rate} lines/s offered`,
    rows,
    verdict: { ours: pass(r.ours), debian: pass(r.debian) },
    summary: {
      ours: r.ours.error ? 'error' : `${r.ours.lost} lost, ${r.ours.torn} torn, ${r.ours.duplicated} dup`,
      debian: r.debian.error ? 'error' : `${r.debian.lost} lost, ${r.debian.torn} torn, ${r.debian.duplicated} dup`,
    },
  };
}
