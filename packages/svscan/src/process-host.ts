// One `supervise` process per service and per log/ (the default mode, as daemontools does).
// `supervise NAME` runs in the scan directory and `supervise log` in the service directory, so
// `ps` shows what 0.76 shows. Each starts its own session: a Ctrl-C meant for svscan does not
// reach it, and it outlives a SIGKILLed svscan.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { closeQuietly } from './log-fifo.js';
import {
  childSupervision,
  type ExitListener,
  type StartRequest,
  type Supervision,
  type SupervisorHost,
} from './supervision.js';

export function processHost(command: string): SupervisorHost {
  return {
    start(request: StartRequest, onExit: ExitListener): Supervision {
      const cwd = request.which === 'service' ? request.scanDir : join(request.scanDir, request.name);
      const arg = request.which === 'service' ? request.name : 'log';
      const child = spawn(command, [arg], {
        cwd,
        stdio: [request.stdin, request.stdout, 2],
        detached: true,
      });
      // The child has its own copies now.
      if (request.stdin !== 0) closeQuietly(request.stdin);
      if (request.stdout !== 1) closeQuietly(request.stdout);
      return childSupervision(child, request, onExit);
    },
  };
}
