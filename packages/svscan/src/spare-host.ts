// Per-process mode with fortress's own supervise, started from a pre-started spare process
// (spare.ts): the pick-up of a new service costs no Node start-up. One spare is kept idle; it is
// replaced as soon as it is handed a service.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { closeQuietly, LOG_FIFO } from './log-fifo.js';
import type { Assignment } from './spare.js';
import {
  childSupervision,
  type ExitListener,
  type StartRequest,
  type Supervision,
  type SupervisorHost,
} from './supervision.js';

const SPARE_JS = new URL('./spare.js', import.meta.url).pathname;
/** A Node start-up takes a core for about 50-100 ms: not while the last spare starts its ./run. */
const REFILL_DELAY_MS = 200;

export function spareHost(): SupervisorHost {
  let idle: ChildProcess | undefined;
  let closed = false;
  let refill: NodeJS.Timeout | undefined;
  const startSpare = (): ChildProcess => {
    const child = spawn(process.execPath, [SPARE_JS], { stdio: [0, 1, 2, 'pipe'], detached: true });
    child.on('error', () => {});
    return child;
  };
  const take = (): ChildProcess => {
    const spare = idle !== undefined && idle.exitCode === null && idle.signalCode === null ? idle : startSpare();
    idle = undefined;
    // The next one warms up once this one has had the CPU to start its service.
    clearTimeout(refill);
    refill = setTimeout(() => {
      if (!closed && idle === undefined) idle = startSpare();
    }, REFILL_DELAY_MS);
    return spare;
  };
  idle = startSpare();
  return {
    start(request: StartRequest, onExit: ExitListener): Supervision {
      // The spare opens the FIFO itself: the descriptors svscan opened for it are not needed.
      if (request.stdin !== 0) closeQuietly(request.stdin);
      if (request.stdout !== 1) closeQuietly(request.stdout);
      const service = request.which === 'service';
      const fifo = service ? join(request.name, 'supervise', LOG_FIFO) : join('supervise', LOG_FIFO);
      const job: Assignment = {
        cwd: service ? request.scanDir : join(request.scanDir, request.name),
        dir: service ? request.name : 'log',
        stdinFifo: !service ? fifo : null,
        stdoutFifo: service && request.stdout !== 1 ? fifo : null,
      };
      const child = take();
      const channel = child.stdio[3] as NodeJS.WritableStream & { end(data: string): void };
      // A spare stopped (SIGTERM) before it read its assignment resets the channel: that is
      // its exit, reported as such, not an error of svscan's.
      channel.on('error', () => {});
      channel.end(`${JSON.stringify(job)}\n`);
      return childSupervision(child, request, onExit, true);
    },
    close(): void {
      closed = true;
      clearTimeout(refill);
      idle?.kill('SIGTERM');
      idle = undefined;
    },
  };
}
