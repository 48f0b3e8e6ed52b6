// A read-only scan directory (a read-only root, or a non-root USER that may not write the
// image's /service): each service's state lives under a writable run directory, FORTRESS_RUN
// (default /run/fortress), reached through symlinks `fortress init --prepare SCANDIR` makes at
// image build time, as s6 allows:
//   SCANDIR/NAME/supervise     -> RUN/NAME/supervise      (lock, control, ok, status, log.fifo, ...)
//   SCANDIR/NAME/event         -> RUN/NAME/event          (the fifodir svc -w and svwait use)
//   SCANDIR/NAME/log/supervise -> RUN/NAME/log/supervise
//   SCANDIR/NAME/log/event     -> RUN/NAME/log/event
// svc, svstat and svok (ours and daemontools 0.76's) follow them as any path; supervise and svscan
// make a dangling link's target when they start (supervise's service-files.ts), and fortress
// init makes them all before its first scan, so a run directory it cannot write is named once.
import { EVENT_DIR, makeFifodir } from '@fortress/core/fifodir';
import { fatalError } from '@fortress/core/program';
import { isSupervised } from '@fortress/svscan/control';
import { scanDirectory } from '@fortress/svscan/scan-dir';

const { accessSync, constants, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } =
  process.getBuiltinModule('node:fs');
const { dirname, join, resolve } = process.getBuiltinModule('node:path');

export const RUN_DIR_DEFAULT = '/run/fortress';
const SUPERVISE_DIR = 'supervise';

export interface StateLink {
  /** The service directory (SCANDIR/NAME, or SCANDIR/NAME/log). */
  serviceDir: string;
  /** SCANDIR/NAME/supervise, SCANDIR/NAME/log/event, ... */
  link: string;
  /** Where it points: RUN/NAME/supervise, RUN/NAME/log/event, ... */
  target: string;
}

/** The state links of every service of SCANDIR and of each one's log/. */
export function stateLinks(scanDir: string, runDir: string): StateLink[] {
  const links: StateLink[] = [];
  for (const { name } of scanDirectory(scanDir).services) {
    const dirs = [[join(scanDir, name), join(runDir, name)]];
    if (existsSync(join(scanDir, name, 'log'))) dirs.push([join(scanDir, name, 'log'), join(runDir, name, 'log')]);
    for (const [serviceDir, stateDir] of dirs) {
      for (const entry of [SUPERVISE_DIR, EVENT_DIR]) {
        links.push({ serviceDir: serviceDir!, link: join(serviceDir!, entry), target: join(stateDir!, entry) });
      }
    }
  }
  return links;
}

/**
 * Makes every state link of SCANDIR (image build time). An old link, or a state directory left
 * by an earlier run that nothing supervises now, is replaced; a supervised one is an error, as is
 * any other file in the way (a fatal FortressError). `made` sees each link once it is in place.
 */
export function prepareScanDir(
  scanDir: string,
  runDir: string,
  made: (link: StateLink) => void = () => {},
): StateLink[] {
  let links: StateLink[];
  try {
    links = stateLinks(scanDir, runDir);
  } catch (err) {
    throw fatalError(`unable to read ${scanDir}`, err);
  }
  for (const state of links) {
    const { serviceDir, link, target } = state;
    try {
      const existing = lstatOrUndefined(link);
      if (existing?.isSymbolicLink() && readlinkSync(link) === target) {
        made(state);
        continue;
      }
      if (existing?.isDirectory()) {
        if (isSupervised(serviceDir)) throw Object.assign(new Error('supervised now'), { code: 'EBUSY' });
        rmSync(link, { recursive: true });
      } else if (existing?.isSymbolicLink()) rmSync(link);
      else if (existing !== undefined) throw Object.assign(new Error('not a directory'), { code: 'EEXIST' });
      symlinkSync(target, link);
    } catch (err) {
      throw fatalError(`unable to link ${link} to ${target}`, err);
    }
    made(state);
  }
  return links;
}

export interface StateProblem {
  text: string;
  error?: unknown;
}

/**
 * At start: makes the target of each dangling state link (supervise/ 0700, event/ as a fifodir),
 * and names the services that cannot keep their state: a read-only directory without the link.
 */
export function makeStateDirs(scanDir: string): StateProblem[] {
  const problems: StateProblem[] = [];
  let links: StateLink[];
  try {
    links = stateLinks(scanDir, '/'); // targets are read from the links themselves
  } catch (error) {
    return [{ text: `unable to read ${scanDir}`, error }];
  }
  for (const { serviceDir, link } of links) {
    const existing = lstatOrUndefined(link);
    if (existing === undefined) {
      if (link.endsWith(`/${SUPERVISE_DIR}`) && !writable(serviceDir)) {
        problems.push({ text: `${serviceDir} is not writable and has no supervise link: see fortress init --prepare` });
      }
      continue;
    }
    if (!existing.isSymbolicLink() || existsSync(link)) continue;
    const target = resolve(dirname(link), readlinkSync(link));
    try {
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      if (link.endsWith(`/${SUPERVISE_DIR}`)) mkdirSync(target, 0o700);
      else makeFifodir(target);
    } catch (error) {
      problems.push({ text: `unable to create ${target} for ${link}`, error });
    }
  }
  return problems;
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
