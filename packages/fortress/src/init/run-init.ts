// fortress init's life: reap orphans, run the scan directory's services in this one process,
// then the image's command; on TERM/INT/QUIT or the command's exit, stop in order: the command
// (TERM, KILL after its grace), the services (svscan's stop: each service, then its logger),
// then TERM and KILL to whatever is left. A service with a `critical` file that fails for good
// starts the same stop. Exit code: that service's, else the command's, else 0.

import { claimNodeChildren } from '@fortress/core/child-registry';
import { errorCode, errorText } from '@fortress/core/errors';
import { setChildSubreaper } from '@fortress/core/libc';
import { procIsOurs } from '@fortress/core/proc';
import { fatalError } from '@fortress/core/program';
import { startReaper } from '@fortress/core/reaper';
import { type EventName, type Events, jsonEvents, textEvents } from '@fortress/svscan/events';
import { Scanner } from '@fortress/svscan/scanner';
import { watchScanDirectory } from '@fortress/svscan/watcher';
import { type RunningCommand, startCommand, stopCommand } from './command.js';
import { type Failure, watchFailures } from './critical.js';
import { startMemorySettler } from './memory-settler.js';
import type { InitOptions } from './options.js';
import { prefixingHost } from './prefixing-host.js';
import { makeStateDirs } from './run-dir.js';
import { waitForServices } from './services-started.js';
import { sweep } from './sweep.js';

const PROG = 'fortress init';
/** How long the supervisors may take to write their last status once the sweep is done. */
const SETTLE_MS = 2000;
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT'];
/** Exit codes a shell gives a command it cannot find or run. */
const NOT_FOUND = 127;
const NOT_RUNNABLE = 126;
// init's own events beside svscan's (in JSON: the `event` field).
const COMMAND_STARTED = 'command-started' as EventName;
const COMMAND_EXITED = 'command-exited' as EventName;
const SERVICE_FAILED = 'service-failed' as EventName;

export async function runInit(options: InitOptions): Promise<number> {
  const pid1 = process.pid === 1;
  const sweeps = procIsOurs();
  // Orphans of our descendants come to us, as they would to PID 1.
  if (!pid1) setChildSubreaper(true);
  claimNodeChildren();
  const reaper = startReaper();
  try {
    process.chdir(options.scanDir);
  } catch (err) {
    throw fatalError(`unable to chdir to ${options.scanDir}`, err);
  }
  const events: Events = options.json ? await jsonEvents(PROG) : textEvents(PROG, options.quiet);

  let command: RunningCommand | undefined;
  let commandCode: number | undefined;
  /** The exit code of the critical service whose failure started the stop. */
  let criticalCode: number | undefined;
  let stopped: Promise<number> | undefined;
  let finish!: (code: number) => void;
  const result = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const failed = (failure: Failure): void => {
    const { label, code } = failure;
    if (stopped !== undefined) return;
    if (!failure.critical) {
      events.warn(`${label} failed permanently (last exit ${code}); not restarted until svc -u`, { name: label, code });
      return;
    }
    events.info(SERVICE_FAILED, `critical ${label} failed permanently, exit ${code}`, { name: label, code });
    criticalCode = code;
    stop(`critical ${label} failed`);
  };
  const settler = startMemorySettler();
  // Each service's own stop: TERM, then KILL after the grace time (its timeout-kill wins).
  const host = prefixingHost(events, options.killGraceMs, (supervisor, request) => {
    watchFailures(supervisor, request.which === 'service' ? request.name : `${request.name}/log`, failed);
    settler.watch(supervisor);
  });
  const scanner = new Scanner({ scanDir: options.scanDir, host, events, killGraceMs: options.killGraceMs });
  const watcher = await watchScanDirectory(options.scanDir, () => scanner.requestScan(), events);

  const stop = (why: string): void => {
    if (stopped !== undefined) return;
    events.info('stopping', `${why}: stopping`, { reason: why });
    stopped = (async () => {
      if (command !== undefined) commandCode = await stopCommand(command, options.commandGraceMs);
      void watcher.close();
      const servicesDown = scanner.shutdown();
      const inTime = await Promise.race([
        servicesDown.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(resolve, options.servicesGraceMs, false).unref()),
      ]);
      if (!inTime) events.warn(`services still running after ${options.servicesGraceMs} ms; sweeping`);
      const killed = sweeps ? await sweep(pid1, options.killGraceMs) : 0;
      if (killed > 0) events.warn(`killed ${killed} processes still running after ${options.killGraceMs} ms`);
      await Promise.race([servicesDown, new Promise((resolve) => setTimeout(resolve, SETTLE_MS).unref())]);
      host.close?.();
      settler.stop();
      reaper.reapNow();
      reaper.stop();
      const code = criticalCode ?? commandCode ?? 0;
      events.info('stopped', `everything stopped; exit ${code}`, { code });
      return code;
    })();
    stopped.then(finish, (err: unknown) => {
      events.warn('stop failed', { error: err });
      finish(111);
    });
  };

  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));
  process.on('SIGHUP', () => scanner.requestScan());
  if (!sweeps) events.warn("/proc is not this PID namespace's: no reaping, and no sweep at the stop");
  events.info('started', `scanning ${options.scanDir}`, { dir: options.scanDir, pid: process.pid, pid1 });
  for (const { text, error } of makeStateDirs(options.scanDir)) events.warn(text, error === undefined ? {} : { error });
  scanner.start();

  if (options.command !== undefined) {
    await waitForServices(scanner, options.commandWaitMs);
    if (stopped === undefined) {
      const argv = options.command;
      try {
        command = startCommand(argv, process.env);
        events.info(COMMAND_STARTED, `started ${argv[0]}`, { pid: command.pid });
        void command.exited.then((code) => {
          commandCode = code;
          events.info(COMMAND_EXITED, `${argv[0]} exited ${code}`, { code });
          stop('command exited');
        });
      } catch (err) {
        events.warn(`unable to run ${argv[0]}: ${errorText(err)}`);
        commandCode = errorCode(err) === 'ENOENT' ? NOT_FOUND : NOT_RUNNABLE;
        stop('command failed');
      }
    }
  }
  return result;
}
