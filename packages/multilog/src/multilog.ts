// multilog's main loop: look at a chunk of input, process it, write every output, only then take
// the chunk out of the input pipe; signals and due rotations act between chunks.
import { errorText, isFortressError } from '@fortress/core/errors';
import { INTERRUPTED, InputReader } from './input.js';
import { CHUNK, LineEngine, type Step } from './line-engine.js';
import { LogDir } from './log-dir.js';
import type { Output } from './output.js';
import { GAVE_UP, KILLED, Pause, type Waiter } from './pause.js';
import type { ReadyWaiter } from './ready-waiter.js';
import type { Script } from './script.js';
import { Signals } from './signals.js';
import { Stamper } from './stamp.js';
import { StatusFile } from './status-file.js';
import { StdoutOutput } from './stdout-output.js';

const NEWLINE = 10;
/** How long a part of a line may wait in the pipe for the rest: TAIL_WAITS looks, TAIL_WAIT_MS apart. */
const TAIL_WAITS = 10;
const TAIL_WAIT_MS = 2;

interface Setup {
  outFd: number;
  steps: Step[];
  dirs: LogDir[];
  statusFiles: StatusFile[];
  stdout: StdoutOutput | undefined;
}

/** Signals as flags, however they arrive (a signal pipe, or a host's messages). */
export interface LoggerSignals extends Waiter {
  alarm: boolean;
  /** Notes the signals that arrived since the last look. */
  drain(): void;
}

/** What one logger runs with: its descriptors and its signals. */
export interface LoggerIo {
  input: number;
  errFd: number;
  outFd: number;
  signals: LoggerSignals;
  /** The signal pipe the input wait also watches (-1: none). */
  signalFd: number;
  /** A host's shared readiness; undefined: the reader polls on its own. */
  shared?: ReadyWaiter;
  /** Close every descriptor at the end (a host's logger; a process's exit does it otherwise). */
  release?: boolean;
  /** Called once the input reader exists, so a host can wake it. */
  onReader?: (reader: InputReader) => void;
}

/** Opens every `=` file and log directory in script order; the first failure is fatal. */
async function setUp(script: Script, pause: Pause, setup: Setup): Promise<void> {
  const { steps, dirs, statusFiles } = setup;
  for (const action of script.actions) {
    switch (action.op) {
      case 'deselect':
      case 'select':
        steps.push({ op: action.op, pattern: action.pattern });
        break;
      case 'alert':
        steps.push({ op: 'alert' });
        break;
      case 'status': {
        const file = new StatusFile(pause, action.file);
        statusFiles.push(file);
        steps.push({ op: 'status', file });
        break;
      }
      case 'dir': {
        const dir = await LogDir.open(pause, action.settings);
        dirs.push(dir);
        steps.push({ op: 'output', output: dir });
        break;
      }
      case 'stdout': {
        setup.stdout ??= new StdoutOutput(pause, setup.outFd);
        const output: Output = setup.stdout;
        steps.push({ op: 'output', output });
        break;
      }
    }
  }
}

/**
 * How much of the `n` bytes looked at to process now. Input that stays in the pipe can wait for
 * the rest of its last line, so a kill does not cut a line in two; after SIGTERM in the middle
 * of a line, only that line is taken.
 */
function portion(buf: Buffer, n: number, finishLine: boolean): number {
  const nl = finishLine ? buf.indexOf(NEWLINE) : buf.lastIndexOf(NEWLINE, n - 1);
  return nl >= 0 && nl < n ? nl + 1 : n;
}

/** Runs multilog over fd 0 until end of input or SIGTERM; resolves to the exit code. */
export function runMultilog(script: Script): Promise<number> {
  process.umask(0o022);
  const signals = Signals.watch();
  return runLogger(script, { input: 0, errFd: 2, outFd: 1, signals, signalFd: signals.fd });
}

/** One logger, in a process of its own (runMultilog) or among others in a host (host.ts). */
export async function runLogger(script: Script, io: LoggerIo): Promise<number> {
  const { signals } = io;
  const pause = new Pause(signals, io.errFd);
  const fatal = (text: string, err?: unknown): number => {
    pause.writeLine(`multilog: fatal: ${text}${err === undefined ? '' : `: ${errorText(err)}`}\n`);
    return 111;
  };
  for (const action of script.ignored) {
    pause.warn(`action ${action} is not a directory (./${action}?) and does nothing`);
  }
  const setup: Setup = { outFd: io.outFd, steps: [], dirs: [], statusFiles: [], stdout: undefined };
  let input: InputReader | undefined;
  try {
    try {
      await setUp(script, pause, setup);
    } catch (err) {
      if (isFortressError(err, 'ERR_STARTUP')) return fatal(err.text, err.cause);
      if (isFortressError(err, GAVE_UP)) return fatal(`${err.text}; stopping on SIGTERM`);
      throw err;
    }
    try {
      input = new InputReader(io.input, io.signalFd, io.shared);
    } catch (err) {
      return fatal('unable to read input', err);
    }
    io.onReader?.(input);
    return await loop(setup, new LineEngine(setup.steps, new Stamper(script.stamp), io.errFd), input, signals, fatal);
  } catch (err) {
    if (isFortressError(err, KILLED)) return 111;
    throw err;
  } finally {
    if (io.release) {
      for (const dir of setup.dirs) dir.release();
      for (const file of setup.statusFiles) file.close();
      input?.close();
    }
  }
}

async function loop(
  setup: Setup,
  engine: LineEngine,
  input: InputReader,
  signals: LoggerSignals,
  fatal: (text: string, err?: unknown) => number,
): Promise<number> {
  const { dirs } = setup;
  for (const dir of dirs) dir.onRotationDue = () => input.wake();
  let inHand = 0;
  let tailWaits = 0;
  try {
    for (;;) {
      signals.drain();
      if (signals.killed) return 111;
      if (signals.alarm) {
        signals.alarm = false;
        for (const dir of dirs) await dir.rotateIfNotEmpty();
      }
      for (const dir of dirs) await dir.rotateIfDue();
      if (signals.terminate && !engine.midLine) break;
      // After SIGTERM mid-line, a plain read takes one byte at a time, so nothing after the line is consumed.
      const length = signals.terminate && !input.peeks ? 1 : CHUNK;
      let n: number;
      try {
        n = await input.read(engine.arena, length);
      } catch (err) {
        await closeAll(dirs, engine);
        return fatal('unable to read input', err);
      }
      if (signals.killed) return 111;
      if (n === INTERRUPTED) continue;
      if (n === 0) {
        await engine.endOfInput();
        break;
      }
      inHand = input.peeks ? portion(engine.arena, n, signals.terminate) : n;
      const partOfALine = inHand === n && n < CHUNK && engine.arena[n - 1] !== NEWLINE;
      if (input.peeks && partOfALine && !input.hungUp && tailWaits < TAIL_WAITS) {
        // Only part of a line waits in the pipe: its writer is usually still writing it, so give it
        // a moment rather than cut the line in two (a kill after that would tear it).
        tailWaits++;
        inHand = 0;
        await new Promise((resolve) => setTimeout(resolve, TAIL_WAIT_MS));
        continue;
      }
      tailWaits = 0;
      await engine.feed(inHand);
      await engine.flush();
      input.consume(inHand);
      inHand = 0;
    }
    await closeAll(dirs, engine);
    return 0;
  } catch (err) {
    if (!isFortressError(err, GAVE_UP)) throw err;
    for (const dir of dirs) await closeOrAbandon(dir);
    const where = input.peeks ? 'left in the pipe' : 'lost';
    const unwritten = inHand > 0 ? ` with up to ${inHand} bytes of input not written (${where})` : '';
    return fatal(`${err.text}; stopping on SIGTERM${unwritten}`);
  }
}

/** End of input or SIGTERM: write, sync and mark every current complete. */
async function closeAll(dirs: LogDir[], engine: LineEngine): Promise<void> {
  await engine.flush();
  for (const dir of dirs) await dir.close();
}

/** After giving up: healthy directories are closed as usual; a failing one keeps a 0644 current (a .u file at the next start). */
async function closeOrAbandon(dir: LogDir): Promise<void> {
  try {
    await dir.close();
  } catch (err) {
    if (!isFortressError(err, GAVE_UP)) throw err;
    dir.abandon();
  }
}
