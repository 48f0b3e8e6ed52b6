// fortress quickstart [--upstream IP,...] [--keep]: our svscan on a runtime copy of examples/, as the
// current user on loopback addresses and high ports, until SIGINT or SIGTERM; then svscan's own
// SIGTERM brings every service down and the runtime directory is removed.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { fatal, usage, writeStderr } from '@fortress/core/errors';
import { parseArgs } from '../args.js';
import { prepareRuntime, type Runtime, repoRoot } from '../quickstart/runtime.js';

export const SYNOPSIS = 'quickstart [--upstream IP,...] [--keep] [--verbose]';
const STOP_DEADLINE_MS = 60_000;

function superviseRunning(dir: string): boolean {
  try {
    closeSync(openSync(join(dir, 'supervise', 'ok'), constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

function instructions(rt: Runtime, svscanPid: number): string {
  const d = rt.scanDir;
  const bin = join(repoRoot(), 'node_modules', '.bin');
  return `fortress quick start: svscan (pid ${svscanPid}) supervising ${d}
  hello      a logged example service            ${d}/hello
  finger     fortress fingerd under tcpserver     ${rt.finger.ip}:${rt.finger.port}
  httpd      fortress httpd under tcpserver       http://${rt.httpd.ip}:${rt.httpd.port}/
  dnscache   dnscache                             ${rt.dnscache.ip} port ${rt.dnscache.port} (upstream: ${rt.dnscache.upstream ?? 'none, answers localhost and numeric names'})

svscan's messages: ${rt.root}/svscan.log

Look at it from another terminal:
  export PATH=${bin}:$PATH
  svstat ${d}/* ${d}/*/log
  fortress status ${d}
  fortress audit
  tai64nlocal < ${d}/hello/log/main/current
  tcpclient -HRl0 ${rt.finger.ip} ${rt.finger.port} sh -c 'echo >&7; cat <&6'
  tcpclient -HRl0 ${rt.httpd.ip} ${rt.httpd.port} sh -c 'printf "GET / HTTP/1.0\\r\\n\\r\\n" >&7; cat <&6'

Ctrl-C (or SIGTERM) brings everything down.
`;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, ['upstream'], ['keep', 'verbose']);
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  if (args.operands.length > 0) return usage('fortress', SYNOPSIS);
  const upstream = args.options.get('upstream') ?? env['FORTRESS_UPSTREAM'] ?? null;
  if (upstream && !upstream.split(',').every((ip) => isIPv4(ip) && ip.startsWith('127.'))) {
    return usage('fortress', `${SYNOPSIS} (the quick start's upstream must be a loopback IPv4 address)`);
  }
  let rt: Runtime;
  try {
    rt = await prepareRuntime(env, upstream || null);
  } catch (err) {
    return fatal('fortress', 'unable to prepare the quick start directory', err);
  }
  const bin = join(repoRoot(), 'node_modules', '.bin');
  const childEnv = { ...env, PATH: `${bin}:${env['PATH'] ?? '/usr/bin:/bin'}` };
  // svscan's own messages go to a file unless asked for, so the instructions stay readable.
  const logFd = args.flags.has('verbose') ? 'inherit' : openSync(join(rt.root, 'svscan.log'), 'a');
  const svscan = spawn('svscan', [rt.scanDir], { env: childEnv, stdio: ['ignore', logFd, logFd], detached: true });
  if (typeof logFd === 'number') closeSync(logFd);
  const started = await new Promise<boolean>((resolve) => {
    svscan.once('spawn', () => resolve(true));
    svscan.once('error', () => resolve(false));
  });
  const cleanup = (): void => {
    if (!args.flags.has('keep')) rmSync(rt.root, { recursive: true, force: true });
  };
  if (!started || svscan.pid === undefined) {
    cleanup();
    return fatal('fortress', 'unable to start svscan');
  }
  const pid = svscan.pid;
  const services = ['hello', 'finger', 'httpd', 'dnscache'].map((s) => join(rt.scanDir, s));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !services.every(superviseRunning) && svscan.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (svscan.exitCode !== null) {
    cleanup();
    return fatal('fortress', `svscan exited at once with status ${svscan.exitCode}`);
  }
  process.stdout.write(instructions(rt, pid));
  const signal = await new Promise<NodeJS.Signals | 'exit'>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    svscan.once('exit', () => resolve('exit'));
  });
  if (signal === 'exit') {
    writeStderr(`fortress: warning: svscan exited (status ${svscan.exitCode ?? svscan.signalCode})`);
    cleanup();
    return 111;
  }
  process.stdout.write(`fortress: ${signal}: stopping svscan and every service\n`);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  if (!(await waitExit(svscan, STOP_DEADLINE_MS))) {
    writeStderr('fortress: warning: svscan did not stop in time: killing its process group');
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
    await waitExit(svscan, 5_000);
  }
  cleanup();
  process.stdout.write('fortress: everything is down\n');
  return 0;
}
