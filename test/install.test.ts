// Install without a compiler (issue 16, item 9; README, "Install without a compiler"):
// `scripts/pack.js` tarballs installed into a fresh prefix with no C compiler on PATH and CC
// unset, then svscan, svc, svstat and dnscache run from that prefix with the repo's Node 24.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '@fortress/core/wait-for';

const REPO = join(import.meta.dirname, '../..');
// What could compile an addon: C and C++ compilers, their drivers, the preprocessor, make.
const COMPILER = /^(cc|c89|c99|c\+\+|cpp|gcc|g\+\+|clang|clang\+\+|tcc|make|.*-(gcc|g\+\+|cc|cpp))([-.\d].*)?$/;
// The caller's PATH (where npm is) but no node_modules/.bin (the checkout's own programs), then
// the usual system directories.
const PATH_DIRS = [
  ...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/') && !d.includes('/node_modules/')),
  ...['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'],
];

/** A directory of links to every program of PATH_DIRS but compilers, and node -> Node 24. */
function binWithoutCompiler(bin: string): void {
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  for (const dir of PATH_DIRS) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // Not a directory here.
    }
    for (const name of names) {
      if (COMPILER.test(name) || existsSync(join(bin, name))) continue;
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
}

/** The processes whose working directory is under `dir`. */
function processesIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`).startsWith(`${dir}/`);
      } catch {
        return false; // Gone, or not ours to read.
      }
    })
    .map(Number);
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  const r = spawnSync(file, args, { env, cwd, encoding: 'utf8', input: '', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

/** One DNS question (A, recursion desired) for `name`. */
function question(name: string): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.of(l.length), Buffer.from(l)]));
  return Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.of(0, 0, 1, 0, 1)]);
}

function ask(address: string, port: number, query: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer'));
    }, 1000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(query, port, address);
  });
}

test('the packed tarballs install without a C compiler; svscan, svc, svstat, dnscache run from them', {
  timeout: 170_000,
}, async (t) => {
  // Real path: the loader names addons by the path Node resolved, symbolic links followed.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'fortress-install-')));
  const children: ChildProcess[] = [];
  const pids: number[] = [];
  t.after(() => {
    // Each program was started as the leader of its own process group; ./run in a session of its own.
    for (const child of children) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    // A failed test may leave supervise and ./run, each in a session of its own: every process
    // working in the scratch directory is one of ours.
    for (const pid of [...pids, ...processesIn(dir)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const bin = join(dir, 'bin');
  binWithoutCompiler(bin);
  // The caller's environment minus anything naming a compiler or npm's settings for the repo.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(CC|CXX|CPP|npm_.*|NODE_OPTIONS)$/i.test(k)),
  );
  const env = { ...base, PATH: bin };
  assert.notEqual(run('sh', ['-c', 'command -v cc || command -v gcc'], env).status, 0, 'a compiler is on PATH');

  const pack = run(process.execPath, [join(REPO, 'scripts/pack.js'), join(dir, 'pack')], env);
  assert.equal(pack.status, 0, `pack: ${pack.stderr}`);
  const tarballs = readdirSync(join(dir, 'pack')).map((f) => join(dir, 'pack', f));
  assert.equal(tarballs.length, 9, `tarballs: ${tarballs.join(' ')}`);

  const prefix = join(dir, 'prefix');
  mkdirSync(prefix);
  // --prefer-offline: the dependencies from npm's cache (CI's npm ci filled it) when there.
  const install = run(
    'npm',
    ['install', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs],
    env,
  );
  assert.equal(install.status, 0, `npm install: ${install.stderr}`);
  const core = join(prefix, 'node_modules/@fortress/core');
  assert.ok(existsSync(join(core, 'prebuilds/linux-x64/libc.node')), 'core has its prebuilt addon');
  assert.ok(!existsSync(join(core, 'build')), 'core has no build/ directory');

  const installed = { ...base, PATH: `${join(prefix, 'node_modules/.bin')}:${bin}` };

  // svscan over one service; svc and svstat against it.
  const services = join(dir, 'service');
  mkdirSync(join(services, 'a'), { recursive: true });
  writeFileSync(join(services, 'a/run'), '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
  const svscan = spawn('svscan', [services], { env: installed, detached: true, stdio: 'ignore' });
  children.push(svscan);
  const svstat = () => run('svstat', [join(services, 'a')], installed);
  const up = await waitFor('svstat to say up', () => /: up \(pid (\d+)\)/.exec(svstat().stdout), 30_000);
  pids.push(Number(up[1]));
  assert.equal(run('svc', ['-d', join(services, 'a')], installed).status, 0);
  await waitFor('svstat to say down', () => / down \d+ seconds, normally up/.test(svstat().stdout), 30_000);
  assert.equal(run('svc', ['-u', join(services, 'a')], installed).status, 0);
  const again = await waitFor('svstat to say up again', () => /: up \(pid (\d+)\)/.exec(svstat().stdout), 30_000);
  pids.push(Number(again[1]));
  // svscan's SIGTERM stops the tree: supervise (in a session of its own) and ./run with it.
  svscan.kill('SIGTERM');
  await waitFor('svscan to exit', () => svscan.exitCode !== null || svscan.signalCode !== null, 30_000);
  await waitFor('./run to be gone', () => !existsSync(`/proc/${again[1]}`), 30_000);

  // dnscache on a high port of 127.61.13.1, as its own user (README: unprivileged use), until it
  // answers a question about localhost, which it knows without asking anyone.
  const root = join(dir, 'dnscache');
  mkdirSync(join(root, 'ip'), { recursive: true });
  mkdirSync(join(root, 'servers'));
  writeFileSync(join(root, 'ip/127'), '');
  writeFileSync(join(root, 'servers/@'), '127.0.0.1\n');
  const port = 20_000 + (process.pid % 20_000);
  const dnscache = spawn('dnscache', [], {
    env: {
      ...installed,
      IP: '127.61.13.1',
      PORT: String(port),
      IPSEND: '0.0.0.0',
      CACHESIZE: '100000',
      ROOT: root,
      UID: String(process.getuid?.()),
      GID: String(process.getgid?.()),
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(dnscache);
  let output = '';
  dnscache.stdout?.on('data', (d) => {
    output += d;
  });
  dnscache.stderr?.on('data', (d) => {
    output += d;
  });
  await waitFor('dnscache to start', () => output.includes('starting') || dnscache.exitCode !== null, 30_000);
  assert.match(output, /starting/, `dnscache: ${output}`);
  const answer = await waitFor('an answer', () => ask('127.61.13.1', port, question('localhost')), 10_000);
  assert.equal((answer[3] ?? 0xff) & 0x0f, 0, 'rcode NOERROR');
  assert.deepEqual([...answer.subarray(-4)], [127, 0, 0, 1]);

  // Without its addon a program ends with one line and 111: at import (dnscache's udp, through
  // the bin shim) and from a main (setlock's flock, core's libc, through the program layer).
  const missing = (path: string) =>
    `unable to load ${path}: file does not exist (nor a prebuilt linux-x64 one: run npm run build)`;
  const dnscachePkg = join(prefix, 'node_modules/@fortress/dnscache');
  rmSync(join(dnscachePkg, 'prebuilds'), { recursive: true });
  const noUdp = run('dnscache', [], installed);
  assert.deepEqual(
    [noUdp.status, noUdp.stdout, noUdp.stderr],
    [111, '', `dnscache: fatal: ${missing(join(dnscachePkg, 'build/udp.node'))}\n`],
  );
  rmSync(join(core, 'prebuilds'), { recursive: true });
  const noLibc = run('setlock', [join(dir, 'lock'), 'true'], installed);
  assert.deepEqual(
    [noLibc.status, noLibc.stdout, noLibc.stderr],
    [111, '', `setlock: fatal: ${missing(join(core, 'build/libc.node'))}\n`],
  );
});
