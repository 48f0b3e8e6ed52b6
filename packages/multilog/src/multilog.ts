// multilog's main loop: look at a chunk of input, process it, write every output, only then take
// the chunk out of the input pipe; signals and due rotations act between chunks.
import { fatal, isFortressError, warning } from '@fortress/core/errors';
import { INTERRUPTED, InputReader } from './input.js';
import { CHUNK, LineEngine, type Step } from './line-engine.js';
import { LogDir } from './log-dir.js';
import type { Output } from './output.js';
import { GAVE_UP, pauseOn } from './pause.js';
import type { Script } from './script.js';
import { Signals } from './signals.js';
import { Stamper } from './stamp.js';
import { StatusFile } from './status-file.js';
import { StdoutOutput } from './stdout-output.js';

const PROG = 'multilog';
const NEWLINE = 10;
/** How long a part of a line may wait in the pipe for the rest: TAIL_WAITS looks, TAIL_WAIT_MS apart. */
const TAIL_WAITS = 10;
const TAIL_WAIT_MS = 2;

interface Setup {
  steps: Step[];
  dirs: LogDir[];
  stdout: StdoutOutput | undefined;
}

/** Opens every `=` file and log directory in script order; the first failure is fatal. */
function setUp(script: Script): Setup {
  const steps: Step[] = [];
  const dirs: LogDir[] = [];
  let stdout: StdoutOutput | undefined;
  for (const action of script.actions) {
    switch (action.op) {
      case 'deselect':
      case 'select':
        steps.push({ op: action.op, pattern: action.pattern });
        break;
      case 'alert':
        steps.push({ op: 'alert' });
        break;
      case 'status':
        steps.push({ op: 'status', file: new StatusFile(action.file) });
        break;
      case 'dir': {
        const dir = new LogDir(action.settings);
        dirs.push(dir);
        steps.push({ op: 'output', output: dir });
        break;
      }
      case 'stdout': {
        stdout ??= new StdoutOutput();
        const output: Output = stdout;
        steps.push({ op: 'output', output });
        break;
      }
    }
  }
  return { steps, dirs, stdout };
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
export async function runMultilog(script: Script): Promise<number> {
  process.umask(0o022);
  for (const action of script.ignored) {
    warning(PROG, `action ${action} is not a directory (./${action}?) and does nothing`);
  }
  const signals = Signals.watch();
  pauseOn(signals);
  let setup: Setup;
  try {
    setup = setUp(script);
  } catch (err) {
    if (isFortressError(err, 'ERR_STARTUP')) return fatal(PROG, err.text, err.cause);
    if (isFortressError(err, GAVE_UP)) return fatal(PROG, `${err.text}; stopping on SIGTERM`);
    throw err;
  }
  const { steps, dirs } = setup;
  const engine = new LineEngine(steps, new Stamper(script.stamp));
  let input: InputReader;
  try {
    input = new InputReader(0, signals.fd);
  } catch (err) {
    return fatal(PROG, 'unable to read input', err);
  }
  for (const dir of dirs) dir.onRotationDue = () => input.wake();
  let inHand = 0;
  let tailWaits = 0;
  try {
    for (;;) {
      signals.drain();
      if (signals.alarm) {
        signals.alarm = false;
        for (const dir of dirs) dir.rotateIfNotEmpty();
      }
      for (const dir of dirs) dir.rotateIfDue();
      if (signals.terminate && !engine.midLine) break;
      // After SIGTERM mid-line, a plain read takes one byte at a time, so nothing after the line is consumed.
      const length = signals.terminate && !input.peeks ? 1 : CHUNK;
      let n: number;
      try {
        n = await input.read(engine.arena, length);
      } catch (err) {
        closeAll(dirs, engine);
        return fatal(PROG, 'unable to read input', err);
      }
      if (n === INTERRUPTED) continue;
      if (n === 0) {
        engine.endOfInput();
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
      engine.feed(inHand);
      engine.flush();
      input.consume(inHand);
      inHand = 0;
    }
    closeAll(dirs, engine);
    return 0;
  } catch (err) {
    if (!isFortressError(err, GAVE_UP)) throw err;
    for (const dir of dirs) closeOrAbandon(dir);
    const where = input.peeks ? 'left in the pipe' : 'lost';
    const unwritten = inHand > 0 ? ` with up to ${inHand} bytes of input not written (${where})` : '';
    return fatal(PROG, `${err.text}; stopping on SIGTERM${unwritten}`);
  }
}

/** End of input or SIGTERM: write, sync and mark every current complete. */
function closeAll(dirs: LogDir[], engine: LineEngine): void {
  engine.flush();
  for (const dir of dirs) dir.close();
}

/** After giving up: healthy directories are closed as usual; a failing one keeps a 0644 current (a .u file at the next start). */
function closeOrAbandon(dir: LogDir): void {
  try {
    dir.close();
  } catch (err) {
    if (!isFortressError(err, GAVE_UP)) throw err;
    dir.abandon();
  }
}
