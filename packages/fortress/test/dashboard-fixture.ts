// A scan directory of N services (each with a multilog logger) under our svscan, and the
// dashboard on it, for dashboard*.test.ts and bench/dashboard.js's twin. Everything started here
// is stopped by stop(): the dashboard by pid, svscan by SIGTERM, leftovers under the directory.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killUnder } from '@fortress/test-support/processes';
import { waitFor } from '@fortress/test-support/wait-for';
import { BIN, FORTRESS, suitePath } from './helpers.js';

export interface ServiceJson {
  dir: string;
  state: string;
  pid: number | null;
  seconds: number | null;
  [key: string]: unknown;
}

export class ScanFixture {
  readonly dir: string;
  readonly scan: string;
  readonly names: string[];
  readonly env: NodeJS.ProcessEnv;
  private svscan: ChildProcess | undefined;
  private dashboards: ChildProcess[] = [];

  constructor(prefix: string, count: number) {
    // Not test-support's tempDir: fixtures are made in `before` hooks, and stop() cleans up.
    this.dir = mkdtempSync(join(tmpdir(), `fortress-test-${prefix}-`));
    chmodSync(this.dir, 0o755);
    this.scan = join(this.dir, 'service');
    mkdirSync(this.scan);
    this.env = { ...process.env, PATH: suitePath(this.dir).PATH, TZ: 'UTC' };
    this.names = Array.from({ length: count }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
    for (const name of this.names) this.addService(name);
  }

  /** Lays a service out beside the scan directory, then moves it in: svscan never sees half of it. */
  addService(name: string): void {
    const sv = join(this.dir, `new-${name}`);
    mkdirSync(join(sv, 'log'), { recursive: true });
    // $$ is the pid ./run keeps after exec: each start logs a line naming it.
    writeFileSync(join(sv, 'run'), `#!/bin/sh\nexec 2>&1\necho "${name} started pid $$"\nexec sleep 100000\n`, {
      mode: 0o755,
    });
    writeFileSync(join(sv, 'log/run'), '#!/bin/sh\nexec multilog t ./main\n', { mode: 0o755 });
    renameSync(sv, join(this.scan, name));
  }

  /** Starts svscan and waits until every service and logger is up. */
  async start(): Promise<void> {
    const log = openSync(join(this.dir, 'svscan.log'), 'a');
    this.svscan = spawn('svscan', [this.scan], {
      env: this.env,
      stdio: ['ignore', log, log],
      detached: true,
      cwd: this.dir,
    });
    await waitFor(
      'every service up',
      () => {
        const all = this.svstat(this.names.flatMap((n) => [this.path(n), this.path(`${n}/log`)]));
        return all.every((s) => s.state === 'up') ? true : undefined;
      },
      120_000,
    );
  }

  path(name: string): string {
    return join(this.scan, name);
  }

  /** svstat --json (ours) on DIRS. */
  svstat(dirs: string[]): ServiceJson[] {
    const r = spawnSync(join(BIN, 'svstat'), ['--json', ...dirs], { env: this.env, encoding: 'utf8' });
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ServiceJson);
  }

  svc(option: string, name: string): void {
    const r = spawnSync(join(BIN, 'svc'), [option, this.path(name)], { env: this.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`svc ${option} ${name}: ${r.stderr}`);
  }

  /** Starts `fortress dashboard SCAN ARGS`; resolves with the line it prints once listening. */
  async dashboard(args: string[]): Promise<{ child: ChildProcess; line: string }> {
    const child = spawn(process.execPath, [FORTRESS, 'dashboard', this.scan, ...args], {
      env: this.env,
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: this.dir,
    });
    this.dashboards.push(child);
    let err = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      err += chunk;
    });
    const line = await waitFor(
      'the dashboard listening',
      () => {
        if (child.exitCode !== null) throw new Error(`dashboard exited ${child.exitCode}: ${err}`);
        return /^fortress: dashboard of .* on .*$/m.exec(err)?.[0];
      },
      60_000,
    );
    return { child, line };
  }

  async stop(): Promise<void> {
    for (const child of this.dashboards) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    if (this.svscan?.pid !== undefined && this.svscan.exitCode === null) {
      const exited = new Promise((resolve) => this.svscan?.once('exit', resolve));
      process.kill(this.svscan.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 60_000)))]);
      clearTimeout(timer);
    }
    killUnder(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly the headers given (Host included: none is added). */
export function http(
  target: { host: string; port: number } | { socketPath: string },
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ ...target, method, path, headers, setHost: false }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        data += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
