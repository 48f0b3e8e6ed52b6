// Test helpers: our programs spawned as real processes, polling with deadlines, loopback I/O.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@fortress/core/wait-for';

export { waitFor };

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const FORTRESS = join(REPO, 'packages/fortress/bin/fortress.js');
export const BIN = join(REPO, 'node_modules/.bin');

/** Runs `fortress ARGS` to completion. */
export function fortress(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  input?: string,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [FORTRESS, ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
}

/** Connects, writes, reads until the peer closes; rejects on refusal. */
export function exchange(host: string, port: number, data: string, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let out = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port}`));
    }, ms);
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write(data));
    socket.on('data', (chunk: string) => {
      out += chunk;
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** True when a TCP connection to host:port is refused. */
export function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** A fresh loopback address 127.X.Y.Z for this run, away from 127.0.0.x. */
export function loopbackAddress(): string {
  const r = () => 1 + Math.floor(Math.random() * 250);
  return `127.${100 + Math.floor(Math.random() * 100)}.${r()}.${r()}`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fortress-test-${prefix}-`));
}

const PACKAGE_OF: Record<string, string> = {
  svscan: 'svscan',
  supervise: 'supervise',
  multilog: 'multilog',
  setuidgid: 'chainload',
  envuidgid: 'chainload',
  envdir: 'chainload',
  softlimit: 'chainload',
  tcpserver: 'ucspi-tcp',
  tcprules: 'ucspi-tcp',
  dnscache: 'dnscache',
  svstat: 'svc',
  tai64nlocal: 'multilog',
};

/** Ours when built (packages/P/dist/bin/NAME.js), else Debian's original as a stand-in. */
export function programPath(name: string): { path: string; ours: boolean } {
  const pkg = PACKAGE_OF[name] ?? name;
  if (existsSync(join(REPO, 'packages', pkg, 'dist', 'bin', `${name}.js`)))
    return { path: join(BIN, name), ours: true };
  for (const dir of ['/usr/bin', '/usr/sbin'])
    if (existsSync(join(dir, name))) return { path: join(dir, name), ours: false };
  return { path: join(BIN, name), ours: true };
}

/** A PATH whose first directory links every suite program to ours, or to Debian's until ours exists. */
export function suitePath(dir: string): { PATH: string; standIns: string[] } {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const standIns: string[] = [];
  for (const name of Object.keys(PACKAGE_OF)) {
    const { path, ours } = programPath(name);
    if (!ours) standIns.push(name);
    symlinkSync(path, join(bin, name));
  }
  symlinkSync(join(BIN, 'fortress'), join(bin, 'fortress'));
  return { PATH: `${bin}:${BIN}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, standIns };
}

/** Pids of processes whose working directory lies under dir: what a test started there. */
export function pidsUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // gone or not ours to see
    }
  }
  return pids;
}

/** Last resort in after(): SIGKILL whatever still runs from the test's directory. */
export function killUnder(dir: string): void {
  for (const pid of pidsUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
