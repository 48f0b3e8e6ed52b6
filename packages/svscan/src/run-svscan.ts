// svscan's life once its directory is chosen: scan, watch, and stop every service on TERM/INT.
import { EXIT_OK } from '@fortress/core/errors';
import { killGraceFrom } from '@fortress/supervise/escalation';
import { type Events, jsonEvents, textEvents } from './events.js';
import type { SvscanOptions } from './options.js';
import { processHost } from './process-host.js';
import { Scanner } from './scanner.js';
import type { SupervisorHost } from './supervision.js';
import { watchScanDirectory } from './watcher.js';

const PROG = 'svscan';

/** Supervises every service directory in the current directory until SIGTERM or SIGINT. */
export async function runSvscan(options: SvscanOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const scanDir = process.cwd();
  const events: Events = options.json ? await jsonEvents(PROG) : textEvents(PROG, options.quiet);
  const killGraceMs = killGraceFrom(env);
  const host = await makeHost(options, events, killGraceMs);
  const scanner = new Scanner({
    scanDir,
    host,
    events,
    keepOnRemove: options.keepOnRemove,
    intervalMs: options.intervalMs,
    killGraceMs,
  });
  const watcher = await watchScanDirectory(scanDir, () => scanner.requestScan(), events);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      events.info('stopping', `${signal}: stopping every service`, { signal });
      void watcher.close();
      void scanner.shutdown().then(() => {
        host.close?.();
        process.off('SIGHUP', hup);
        events.info('stopped', 'all services down', {});
        resolve(EXIT_OK);
      });
    };
    const hup = (): void => scanner.requestScan();
    process.on('SIGHUP', hup);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // A second TERM/INT while stopping is ignored: stopping is already under way.
    process.on('SIGTERM', () => {});
    process.on('SIGINT', () => {});
    events.info('started', `scanning ${scanDir}`, { dir: scanDir, mode: options.mode, pid: process.pid });
    scanner.start();
  });
}

async function makeHost(options: SvscanOptions, events: Events, killGraceMs: number): Promise<SupervisorHost> {
  if (options.mode === 'process') {
    if (options.supervise !== undefined) return processHost(options.supervise);
    const { spareHost } = await import('./spare-host.js');
    return spareHost();
  }
  const { inProcessHost } = await import('./in-process-host.js');
  return inProcessHost(events, killGraceMs);
}
