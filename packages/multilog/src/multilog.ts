// multilog's main loop: read a chunk, process it, flush every output, repeat; signals act between reads.
import { fatal, isFortressError } from '@fortress/core/errors';
import { InputReader } from './input.js';
import { CHUNK, LineEngine, type Step } from './line-engine.js';
import { LogDir } from './log-dir.js';
import type { Output } from './output.js';
import type { Script } from './script.js';
import { Stamper } from './stamp.js';
import { StatusFile } from './status-file.js';
import { StdoutOutput } from './stdout-output.js';

const PROG = 'multilog';

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

/** Runs multilog over fd 0 until end of input or SIGTERM; resolves to the exit code. */
export async function runMultilog(script: Script): Promise<number> {
  process.umask(0o022);
  let setup: Setup;
  try {
    setup = setUp(script);
  } catch (err) {
    if (isFortressError(err, 'ERR_STARTUP')) return fatal(PROG, err.text, err.cause);
    throw err;
  }
  const { steps, dirs } = setup;
  const engine = new LineEngine(steps, new Stamper(script.stamp));
  let input: InputReader;
  try {
    input = new InputReader(0);
  } catch (err) {
    return fatal(PROG, 'unable to read input', err);
  }
  let reading = false;
  let terminating = false;
  let finished = false;

  const closeAll = (): void => {
    finished = true;
    engine.flush();
    for (const dir of dirs) dir.close();
  };
  // Handlers run only while a read is pending (everything else is synchronous), so outputs are flushed.
  const onAlarm = (): void => {
    for (const dir of dirs) dir.rotateIfNotEmpty();
  };
  const onTerm = (): void => {
    terminating = true;
    // Between lines, stop now; a pending read may hold data that arrived with the signal, so let
    // callbacks already queued run first.
    setImmediate(() => {
      if (reading && !engine.midLine && !finished) {
        closeAll();
        input.wake();
        process.exit(0);
      }
    });
  };
  process.on('SIGALRM', onAlarm);
  process.on('SIGTERM', onTerm);
  try {
    for (;;) {
      engine.flush();
      if (terminating && !engine.midLine) break;
      reading = true;
      let n: number;
      try {
        // After SIGTERM, finish the current line a byte at a time so nothing after it is consumed.
        n = await input.read(engine.arena, terminating ? 1 : CHUNK);
      } catch (err) {
        reading = false;
        closeAll();
        return fatal(PROG, 'unable to read input', err);
      }
      reading = false;
      if (n === 0) {
        engine.endOfInput();
        break;
      }
      engine.feed(n);
    }
    closeAll();
    return 0;
  } finally {
    process.off('SIGALRM', onAlarm);
    process.off('SIGTERM', onTerm);
  }
}
