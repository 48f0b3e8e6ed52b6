// Multilog's fixtures over the shared ones (@fortress/test-support): our programs and Debian's
// originals as real processes, directory snapshots that ignore timestamps, test accounts.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { mkfifo as makeFifo } from '@fortress/core/libc';
import { REPO } from '@fortress/test-support/paths';
import { asSyncRun, runSyncBytes, type SyncRun } from '@fortress/test-support/run';
import { tempDir } from '@fortress/test-support/temp-dir';

export const BIN = join(REPO, 'packages/multilog/bin');

export type Run = SyncRun<Buffer>;

export interface RunOptions {
  cwd: string;
  input?: Buffer | string;
  /** A file to use as standard input (read by the programs in their own chunk sizes). */
  inputFile?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

/** Argv for one of our programs, spawned with the Node running the tests. */
export function ourCommand(program: string, args: string[]): [string, string[]] {
  return [process.execPath, [join(BIN, `${program}.js`), ...args]];
}

export function debianCommand(program: string, args: string[]): [string, string[]] {
  return [`/usr/bin/${program}`, args];
}

/**
 * Runs a command to completion; standard input is `input`, or the file `inputFile` itself (not a
 * pipe), so the programs read it in their own chunk sizes.
 */
export function run(command: [string, string[]], options: RunOptions): Run {
  const fd = options.inputFile === undefined ? undefined : openSync(options.inputFile, 'r');
  try {
    const r = runSyncBytes([command[0], ...command[1]], {
      cwd: options.cwd,
      ...(fd === undefined ? { input: options.input ?? '' } : { stdin: fd }),
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
    });
    return asSyncRun(r);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Starts a command in the background with the given stdio (stdin usually a FIFO fd). Raw spawn:
 * the tests hand over exact descriptors and signal the process while it runs.
 */
export function start(command: [string, string[]], cwd: string, stdio: (number | 'pipe' | 'ignore')[]): ChildProcess {
  return spawn(command[0], command[1], { cwd, stdio });
}

/** Resolves with the exit code (or signal name) of a child when it ends. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
}

/** A FIFO of mode 0600 (through core's libc, not a mkfifo process). */
export function mkfifo(path: string): void {
  makeFifo(path, 0o600);
}

const LABEL = /@[0-9a-fA-F]{24}/g;

/** Replaces TAI64N labels by `@LABEL`, so two runs at different times compare equal. */
export function withoutLabels(text: string): string {
  return text.replace(LABEL, '@LABEL');
}

/** Old files (`@...`) of a log directory, oldest first. */
export function oldFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.startsWith('@'))
    .sort();
}

/** All lines a log directory holds, oldest file first, `current` last. */
export function allContent(dir: string): Buffer {
  return Buffer.concat([...oldFiles(dir), 'current'].map((n) => readFileSync(join(dir, n))));
}

export interface Entry {
  name: string;
  mode: string;
  content: string;
}

/**
 * A log directory as a list of entries in name order, with old-file names reduced to their
 * position and suffix (`@1.s`) and labels inside the contents replaced.
 */
export function snapshot(dir: string): Entry[] {
  const olds = oldFiles(dir);
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const st = lstatSync(join(dir, name));
      const shown = name.startsWith('@') ? `@${olds.indexOf(name) + 1}${name.slice(25)}` : name;
      return {
        name: shown,
        mode: (st.mode & 0o7777).toString(8),
        content: withoutLabels(readFileSync(join(dir, name)).toString('latin1')),
      };
    });
}

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

function lookup(name: string): Account | undefined {
  const r = spawnSync('getent', ['passwd', name], { encoding: 'latin1' });
  if (r.status !== 0) return undefined;
  const fields = r.stdout.trim().split(':');
  return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** A system account for tests (`fortress-test-*`), created when missing; accounts are left in place. */
export function testAccount(name: string): Account {
  const found = lookup(name);
  if (found) return found;
  spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  const created = lookup(name);
  if (!created) throw new Error(`unable to create account ${name}`);
  return created;
}

/**
 * A temporary directory ROOT holding MNT, a 64 KiB tmpfs (a disk to fill; root only, as CI runs)
 * mounted before this file's tests and unmounted after them, before ROOT is removed.
 */
export function withSmallTmpfs(label: string): { root: string; mnt: string } {
  let mounted = false;
  let mnt = '';
  // Registered before tempDir's own removal hook, so the tmpfs is unmounted first.
  after(() => {
    if (mounted) spawnSync('umount', ['-l', mnt]);
  });
  const root = tempDir(label);
  mnt = join(root, 'mnt');
  before(() => {
    mkdirSync(mnt);
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0755', 'tmpfs', mnt], { encoding: 'latin1' });
    assert.equal(r.status, 0, `mount: ${r.stderr}`);
    mounted = true;
  });
  return { root, mnt };
}
