// Test helpers: our programs spawned as real processes, polling with deadlines, loopback I/O.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { tryConnect } from '@fortress/test-support/net';
import { REPO } from '@fortress/test-support/paths';
import { asSyncRun, runSync, type SyncRun } from '@fortress/test-support/run';
import { tempDir } from '@fortress/test-support/temp-dir';

export { waitFor } from '@fortress/test-support/wait-for';

export const FORTRESS = join(REPO, 'packages/fortress/bin/fortress.js');
export const BIN = join(REPO, 'node_modules/.bin');

/** Runs `fortress ARGS` to completion. */
export function fortress(args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): SyncRun {
  return asSyncRun(runSync([process.execPath, FORTRESS, ...args], { env, input: input ?? '' }));
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
export async function refused(host: string, port: number): Promise<boolean> {
  return (await tryConnect(port, host)) === 'ECONNREFUSED';
}

/** A fresh loopback address 127.X.Y.Z for this run, away from 127.0.0.x. */
export function loopbackAddress(): string {
  const r = () => 1 + Math.floor(Math.random() * 250);
  return `127.${100 + Math.floor(Math.random() * 100)}.${r()}.${r()}`;
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

/** Services laid out by `fortress conf` in a scan directory that our svscan runs, for one test file. */
export interface ConfTree {
  dir: string;
  /** DIR/service, the scan directory. */
  scan: string;
  /** The test's environment with the suite's programs first on PATH (suitePath). */
  env: NodeJS.ProcessEnv;
  /** Programs that are Debian's stand-ins for ours not built yet. */
  standIns: string[];
  /** Runs `fortress conf ARGS` (it must succeed), remembering the accounts it created. */
  conf(args: string[]): void;
  /** Starts svscan on the scan directory (its own session; output in DIR/svscan.log). */
  startSvscan(): ChildProcess;
}

/**
 * A ConfTree in tempDir LABEL (mode 0755: the services' accounts must reach it). After the file's
 * tests, before tempDir's own cleanup: svscan stopped with TERM (its tree stop, up to 60 s), then
 * the accounts `conf` created removed.
 */
export function confTree(label: string): ConfTree {
  let svscan: ChildProcess | undefined;
  const created: string[] = [];
  // Registered before tempDir's own hook (which SIGKILLs what is left and removes the directory): runs first.
  after(async () => {
    if (svscan?.pid !== undefined && svscan.exitCode === null) {
      const exited = new Promise((resolve) => svscan?.once('exit', resolve));
      try {
        process.kill(svscan.pid, 'SIGTERM');
      } catch {
        // gone
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 60_000)))]);
      clearTimeout(timer);
    }
    for (const name of created) {
      try {
        execFileSync('userdel', [name], { stdio: 'ignore', env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin' } });
      } catch {
        // in use or gone
      }
    }
  });
  const dir = tempDir(label);
  chmodSync(dir, 0o755);
  const scan = join(dir, 'service');
  mkdirSync(scan);
  const path = suitePath(dir);
  const env = { ...process.env, PATH: path.PATH };
  return {
    dir,
    scan,
    env,
    standIns: path.standIns,
    conf(args) {
      const r = fortress(['conf', ...args], env);
      for (const m of r.stderr.matchAll(/created account (\S+)/g)) if (m[1]) created.push(m[1]);
      if (r.status !== 0) throw new Error(`conf ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    },
    startSvscan() {
      const log = openSync(join(dir, 'svscan.log'), 'a');
      svscan = spawn('svscan', [scan], { env, stdio: ['ignore', log, log], detached: true, cwd: dir });
      return svscan;
    },
  };
}
