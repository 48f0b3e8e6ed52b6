// A fault run for loggers: a writer streams numbered lines into a FIFO that the test holds open
// (as svscan does), the logger is killed with SIGKILL again and again and restarted, then every
// line in the log directory is counted: lost, torn (cut by a kill) and duplicated.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exited, mkfifo, oldFiles, waitFor } from './helpers.js';

const WIDTH = 100;

/** Writes lines `NNNNNNNNN ....` (100 bytes with the newline) in batches of 50 until `stop` exists; then writes the count to `count`. */
function writerScript(dir: string): string {
  return `
    const { writeSync, existsSync, writeFileSync } = require('node:fs');
    const stop = ${JSON.stringify(join(dir, 'stop'))};
    let i = 0;
    while (!existsSync(stop)) {
      let batch = '';
      for (let k = 0; k < 50; k++, i++) batch += String(i).padStart(9, '0').padEnd(${WIDTH - 1}, '.') + '\\n';
      const buf = Buffer.from(batch);
      let off = 0;
      while (off < buf.length) off += writeSync(1, buf, off);
    }
    writeFileSync(${JSON.stringify(join(dir, 'count'))}, String(i));`;
}

export interface KillFigures {
  kills: number;
  lines: number;
  lost: number;
  torn: number;
  duplicated: number;
}

export interface KillRunOptions {
  /** A fresh directory for the FIFO, the log directory `log` and the writer's files. */
  dir: string;
  /** Starts one logger with the FIFO (fd) as stdin and `dir` as cwd, writing to ./log. */
  startLogger: (fifoFd: number) => ChildProcess;
  kills: number;
  /** Children to clean up (the caller kills whatever is still running there). */
  children: ChildProcess[];
}

function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

/** Runs the fault run and counts what reached the log directory. */
export async function killRun(options: KillRunOptions): Promise<KillFigures> {
  const { dir, children } = options;
  mkdirSync(dir, { recursive: true });
  const fifo = join(dir, 'fifo');
  mkfifo(fifo);
  const fd = openSync(fifo, constants.O_RDWR);
  try {
    const writer = spawn(process.execPath, ['-e', writerScript(dir)], { cwd: dir, stdio: ['ignore', fd, 'inherit'] });
    children.push(writer);
    const current = join(dir, 'log', 'current');
    for (let k = 0; k < options.kills; k++) {
      const before = size(current);
      const logger = options.startLogger(fd);
      children.push(logger);
      // Kill it while it works: once current has grown, or (after a rotation) changed size.
      await waitFor('the logger to write', () => size(current) !== before && size(current) > 0);
      logger.kill('SIGKILL');
      await exited(logger);
    }
    const last = options.startLogger(fd);
    children.push(last);
    writeFileSync(join(dir, 'stop'), '');
    await waitFor('the writer to stop', () => existsSync(join(dir, 'count')));
    await exited(writer);
    const count = Number(readFileSync(join(dir, 'count'), 'latin1'));
    const lastLine = `${String(count - 1).padStart(9, '0')}`;
    await waitFor('the last line in current', () => readFileSync(current, 'latin1').includes(lastLine), 120_000);
    last.kill('SIGTERM');
    await exited(last);
    return { kills: options.kills, ...countLines(join(dir, 'log'), count) };
  } finally {
    closeSync(fd);
  }
}

const LINE = /^(@[0-9a-f]{24} )?(\d{9})\.+$/;

/** Counts lines 0..count-1 over every file of a log directory, oldest first. */
export function countLines(logDir: string, count: number): Omit<KillFigures, 'kills'> {
  const seen = new Uint32Array(count);
  // A piece of a line: the end of a .u file cut by a kill, or the rest of that line in the next file.
  let torn = 0;
  for (const name of [...oldFiles(logDir), 'current']) {
    const lines = readFileSync(join(logDir, name), 'latin1').split('\n');
    if (lines.pop() !== '') torn++;
    for (const line of lines) {
      const m = LINE.exec(line);
      if (m && line.length - (m[1]?.length ?? 0) === WIDTH - 1 && Number(m[2]) < count) seen[Number(m[2])]!++;
      else torn++;
    }
  }
  let lost = 0;
  let duplicated = 0;
  for (const n of seen) {
    if (n === 0) lost++;
    else duplicated += n - 1;
  }
  return { lines: count, lost, torn, duplicated };
}
