// fortress audit: what listens where, who is behind it, and whether it should.
import { classifyAddress, type Verdict } from '../address.js';
import { type AllowRule, isAllowed } from './allow-list.js';
import { type Protocol, readListeningSockets } from './proc-net.js';
import { accountNames, processInfo, serviceOf, socketOwners } from './processes.js';
import { findSuspect, type Suspect } from './suspects.js';
import { checkSysctls, type SysctlCheck } from './sysctl.js';

export interface SocketProcess {
  pid: number;
  name: string;
  command: string;
  user: string;
  service: string | null;
}

export interface AuditedSocket {
  proto: Protocol;
  family: 4 | 6;
  address: string;
  port: number;
  verdict: Verdict;
  user: string;
  processes: SocketProcess[];
  suspect: Suspect | null;
  /** A wildcard listener named by --allow. */
  allowed: boolean;
  /** A wildcard listener not allowed: makes the audit fail. */
  failing: boolean;
}

export interface AuditReport {
  sockets: AuditedSocket[];
  sysctls: SysctlCheck[];
  summary: { sockets: number; wildcard: number; failing: number; suspects: number; sysctlWarnings: number };
}

export interface AuditOptions {
  allow: readonly AllowRule[];
  procRoot?: string;
}

function userName(names: Map<number, string>, uid: number): string {
  return names.get(uid) ?? String(uid);
}

export function auditSockets(options: AuditOptions): AuditReport {
  const procRoot = options.procRoot ?? '/proc';
  const listening = readListeningSockets(procRoot);
  const owners = socketOwners(procRoot);
  const names = accountNames();
  const sockets: AuditedSocket[] = listening.map((s) => {
    const verdict = classifyAddress(s.address);
    const processes: SocketProcess[] = [];
    for (const pid of owners.get(s.inode) ?? []) {
      const info = processInfo(pid, procRoot);
      if (!info) continue;
      processes.push({
        pid,
        name: info.name,
        command: info.command,
        user: userName(names, info.uid),
        service: serviceOf(pid, procRoot) ?? null,
      });
    }
    const allowed = verdict === 'wildcard' && isAllowed(options.allow, s.proto, s.port);
    return {
      proto: s.proto,
      family: s.family,
      address: s.address,
      port: s.port,
      verdict,
      user: userName(names, s.uid),
      processes,
      suspect: findSuspect(s.proto, s.port, verdict) ?? null,
      allowed,
      failing: verdict === 'wildcard' && !allowed,
    };
  });
  sockets.sort((a, b) => a.proto.localeCompare(b.proto) || a.port - b.port || a.family - b.family);
  const sysctls = checkSysctls(procRoot);
  return {
    sockets,
    sysctls,
    summary: {
      sockets: sockets.length,
      wildcard: sockets.filter((s) => s.verdict === 'wildcard').length,
      failing: sockets.filter((s) => s.failing).length,
      suspects: sockets.filter((s) => s.suspect).length,
      sysctlWarnings: sysctls.filter((c) => !c.ok).length,
    },
  };
}
