// One-process mode: every supervisor is a Supervisor object (supervise's own state machine)
// inside svscan. Same files under supervise/, same control FIFO, same lock and run.id, so
// svc, svstat, svok and Debian's tools cannot tell; after a crash of svscan the orphaned
// ./run processes are recognised by what run.id recorded (pid, start time, boot), and the new
// Supervisor adopts them instead of starting a second copy.
import { errorText } from '@fortress/core/errors';
import { loadLibc } from '@fortress/core/libc';
import { Supervisor } from '@fortress/supervise/supervisor';
import type { Events } from './events.js';
import { closeQuietly } from './log-fifo.js';
import type { ExitListener, StartRequest, Supervision, SupervisorHost } from './supervision.js';
import { supervisedDir } from './supervision.js';

export function inProcessHost(
  events: Events,
  killGraceMs: number,
  /** Sees each Supervisor before its start (fortress init listens to its states). */
  onSupervisor?: (supervisor: Supervisor, request: StartRequest) => void,
): SupervisorHost {
  // Every Supervisor needs libc (flock, mkfifo): load it now, not while a new service waits.
  loadLibc();
  return {
    start(request: StartRequest, onExit: ExitListener): Supervision {
      // The directory through svscan's descriptor: still valid after a rename or removal.
      const dir = supervisedDir(request.serviceDir, request.which);
      const label = request.which === 'service' ? request.name : `${request.name}/log`;
      const display = `${request.scanDir}/${label}`;
      const supervisor = new Supervisor({
        dir,
        stdio: [request.stdin, request.stdout, 2],
        killGraceMs,
        ...(request.which === 'service' ? { scanDir: request.scanDir } : {}),
        log: (level, text) => events.warn(text.replaceAll(dir, display), { name: label, level }),
      });
      onSupervisor?.(supervisor, request);
      let ended = false;
      const end = (code: number): void => {
        if (ended) return;
        ended = true;
        // The Supervisor used these for every ./run it started; they are ours to close now.
        if (request.stdin !== 0) closeQuietly(request.stdin);
        if (request.stdout !== 1) closeQuietly(request.stdout);
        onExit(code, null);
      };
      supervisor.start().then(
        () => supervisor.exited.then(() => end(0)),
        (err: unknown) => {
          events.warn(`unable to supervise ${label}: ${err instanceof Error ? err.message : errorText(err)}`, {
            name: label,
          });
          end(111);
        },
      );
      return {
        kind: 'hosted',
        pid: process.pid,
        alive: () => !ended,
        control: (letters) => {
          supervisor.command(letters);
          return 'sent';
        },
        stop: () => {
          void supervisor.shutdown();
          return 'signalled';
        },
      };
    },
  };
}
