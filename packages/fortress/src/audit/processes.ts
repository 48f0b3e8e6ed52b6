// Who owns a socket: socket inode -> pid (through /proc/PID/fd), then the process, its account,
// and the supervised service it belongs to (its own or an ancestor's working directory).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listPids, programName, readCmdline, readCwd, readDescriptors, readStatus, realUid } from '@fortress/core/proc';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  uid: number;
  /** The program's name from its arguments (`tcpserver` for `node .../bin/tcpserver.js`). */
  name: string;
  /** Command line, arguments joined by spaces. */
  command: string;
  cwd: string | undefined;
}

/** Maps socket inodes to the pids holding them; processes we may not inspect are skipped. */
export function socketOwners(procRoot = '/proc'): Map<number, number[]> {
  const owners = new Map<number, number[]>();
  for (const pid of listPids(procRoot)) {
    for (const target of readDescriptors(pid, procRoot)?.values() ?? []) {
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m) continue;
      const inode = Number(m[1]);
      const pids = owners.get(inode) ?? [];
      if (!pids.includes(pid)) pids.push(pid);
      owners.set(inode, pids);
    }
  }
  return owners;
}

/** Reads what the audit shows of a process; undefined when it is gone. */
export function processInfo(pid: number, procRoot = '/proc'): ProcessInfo | undefined {
  const status = readStatus(pid, procRoot);
  const argv = readCmdline(pid, procRoot);
  if (!status || !argv) return undefined;
  const cwd = readCwd(pid, procRoot);
  return {
    pid,
    ppid: Number(status.get('PPid') ?? 0),
    uid: realUid(status) ?? -1,
    name: programName(argv, status.get('Name') ?? ''),
    command: argv.filter(Boolean).join(' '),
    cwd,
  };
}

/** A service directory holds a `run` file and, once supervised, a `supervise/` directory. */
function isServiceDir(dir: string): boolean {
  return existsSync(join(dir, 'run')) && existsSync(join(dir, 'supervise'));
}

/** The service directory of a process: its own cwd or the nearest ancestor's that is one. */
export function serviceOf(pid: number, procRoot = '/proc'): string | undefined {
  let current: number | undefined = pid;
  for (let depth = 0; current !== undefined && current > 1 && depth < 32; depth++) {
    const info = processInfo(current, procRoot);
    if (!info) return undefined;
    // A chrooted service (dnscache) sits in a subdirectory of its service directory.
    if (info.cwd && isServiceDir(info.cwd)) return info.cwd;
    if (info.cwd && info.cwd !== '/' && isServiceDir(dirname(info.cwd))) return dirname(info.cwd);
    current = info.ppid;
  }
  return undefined;
}

/** uid -> account name from /etc/passwd (accounts from other NSS sources show as numbers). */
export function accountNames(passwd = '/etc/passwd'): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && f[0] && !names.has(Number(f[2]))) names.set(Number(f[2]), f[0]);
    }
  } catch {
    // No passwd file: numbers only.
  }
  return names;
}
