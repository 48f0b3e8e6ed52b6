// Shared test helpers: temp dirs, our programs' paths, a tcpserver process with its -1 port
// and stderr, polling with a deadline, and a tiny TCP client.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { REPO } from '@fortress/test-support/paths';
import { killQuietly } from '@fortress/test-support/processes';
import { runChecked } from '@fortress/test-support/run';
import { waitFor } from '@fortress/test-support/wait-for';

export const bin = (name: string) => join(REPO, 'packages/ucspi-tcp/bin', `${name}.js`);

export class Server {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  stdoutClosed = false;
  exitCode: number | null | undefined = undefined;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    // Raw spawn in its own process group, so cleanup reaches PROGRAMs still running, and
    // stdout and stderr are read while the server runs.
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString();
    });
    this.child.stdout?.on('end', () => {
      this.stdoutClosed = true;
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.child.on('exit', (code) => {
      this.exitCode = code;
    });
  }

  static ours(args: string[], env?: NodeJS.ProcessEnv): Server {
    return new Server(process.execPath, [bin('tcpserver'), ...args], env);
  }

  async port(): Promise<number> {
    const line = await waitFor('the -1 port line', () => {
      if (this.exitCode !== undefined) throw new Error(`server exited ${this.exitCode}: ${this.stderr}`);
      return /^(\d+)\n/.exec(this.stdout)?.[1];
    });
    return Number(line);
  }

  async exited(): Promise<number | null> {
    await waitFor('server exit', () => this.exitCode !== undefined);
    return this.exitCode ?? null;
  }

  lines(): string[] {
    return this.stderr.split('\n').filter((l) => l !== '');
  }

  async waitLog(pattern: RegExp): Promise<RegExpExecArray> {
    return waitFor(`stderr ${pattern}`, () => pattern.exec(this.stderr));
  }

  stop(): void {
    if (this.child.pid) killQuietly(-this.child.pid);
  }
}

/** Connects, optionally sends, reads until the server closes. */
export function fetchText(port: number, host = '127.0.0.1', send?: string, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ host, port, localAddress });
    socket.on('connect', () => {
      if (send !== undefined) socket.end(send);
    });
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}

/** Debian's tcpclient (always -HRl0) running `sh -c SCRIPT`; resolves with its stdout. */
export async function debianClient(port: number, script: string, host = '127.0.0.1', from = host): Promise<string> {
  const args = ['-HRl0', '-i', from, host, String(port), 'sh', '-c', script];
  const { stdout } = await runChecked(['/usr/bin/tcpclient', ...args]);
  return stdout;
}

// Generated rule sets are reproducible: the same seed, the same rules.
export { prng } from '@fortress/test-support/random';
