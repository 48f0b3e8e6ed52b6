// The one-process host of svscan (every Supervisor in this process), with one change: a service
// with no log/ gets a pipe as its stdout, read here and copied to init's stdout with a
// `NAME: ` prefix on each line, instead of init's stdout itself.
import { pipe2 } from '@fortress/core/libc';
import type { Supervisor } from '@fortress/supervise/supervisor';
import type { Events } from '@fortress/svscan/events';
import { inProcessHost } from '@fortress/svscan/in-process-host';
import type { StartRequest, SupervisorHost } from '@fortress/svscan/supervision';
import { prefixLines } from './line-prefixer.js';

const { closeSync } = process.getBuiltinModule('node:fs');
const O_CLOEXEC = 0o2000000;

export function prefixingHost(
  events: Events,
  killGraceMs: number,
  onSupervisor?: (supervisor: Supervisor, request: StartRequest) => void,
): SupervisorHost {
  const inner = inProcessHost(events, killGraceMs, onSupervisor);
  return {
    start(request, onExit) {
      // stdout 1 is what the scanner passes when the service has no log/.
      if (request.which !== 'service' || request.stdout !== 1) return inner.start(request, onExit);
      const [readFd, writeFd] = pipe2(O_CLOEXEC);
      prefixLines(readFd, request.name);
      try {
        // The host closes writeFd when the supervisor ends; the reader then sees end of file
        // once ./run and whatever it started have let go of it too.
        return inner.start({ ...request, stdout: writeFd }, onExit);
      } catch (err) {
        closeSync(writeFd);
        throw err;
      }
    },
    close() {
      inner.close?.();
    },
  };
}
