// A chain of our loaders runs in one Node (chain.ts): every pair of loaders and a few triples,
// each run three ways with the same PATH and environment: in-process (the default), exec'd link
// by link (FORTRESS_CHAIN=exec, the old path) and Debian's chain (/usr/bin/envdir ...). The probe
// at the end reports its environment, limits, ids and groups, process group, descriptors, the
// locks it holds and its command line; failures in each position compare exit code and stderr.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ourProgram } from '@fortress/test-support/paths';
import { tempDir } from '@fortress/test-support/temp-dir';
import { collect, isRoot, type Outcome } from './helpers.js';

const dir = tempDir('chain');
// Our programs by name through PATH, as a ./run line names them: links to our shims, and the
// Node 24 their `#!/usr/bin/env node` needs.
const BIN = join(dir, 'bin');
mkdirSync(BIN);
symlinkSync(process.execPath, join(BIN, 'node'));
const LOADERS_ALL = ['envdir', 'envfile', 'envuidgid', 'setuidgid', 'softlimit', 'setlock', 'pgrphack', 'permafailon'];
for (const name of LOADERS_ALL) symlinkSync(ourProgram('chainload', name)[1]!, join(BIN, name));
const PATH = `${BIN}:/usr/bin:/bin`;

const envDir = join(dir, 'env');
mkdirSync(envDir);
writeFileSync(join(envDir, 'A'), 'from envdir\n');
writeFileSync(join(envDir, 'LANG'), '');
writeFileSync(join(envDir, 'Z'), Buffer.from([0xff, 0xfe, 0x41, 0x0a]));
const envFile = join(dir, 'file.env');
writeFileSync(envFile, 'B="from envfile"\nA=replaced\n');
const locks = [join(dir, 'lock1'), join(dir, 'lock2'), join(dir, 'lock3')];
for (const lock of locks) {
  writeFileSync(lock, '');
  chmodSync(lock, 0o666); // setlock after setuidgid nobody opens it for writing
}
const inherited = join(dir, 'inherited');
writeFileSync(inherited, '');
// A directory only root may read: setuidgid before envdir must make envdir fail.
const secretDir = join(dir, 'secret');
mkdirSync(secretDir);
writeFileSync(join(secretDir, 'S'), 'x\n');
chmodSync(join(secretDir, 'S'), 0o600);

const LOCK_CHECK = locks.map((l, i) => `flock -n ${l} true && echo lock${i + 1} free || echo lock${i + 1} held`);
// The program at the end of every chain: everything a chain loader can change, as text.
const PROBE = [
  'echo "cmdline: $(tr "\\000" " " </proc/$$/cmdline)"',
  'echo env:; env',
  'cat /proc/$$/limits',
  'echo "ids: $(id)"',
  'set -- $(cut -d" " -f5,6 /proc/$$/stat); [ "$1" = $$ ] && echo pgrp=self || echo pgrp=other; [ "$2" = $$ ] && echo sid=self || echo sid=other',
  // No pipeline: the shell would hold a pipe while find lists its descriptors (in ascending order).
  'echo fds:; find /proc/$$/fd -mindepth 1 -printf "%f %l\\n"',
  ...LOCK_CHECK,
].join('\n');

type Mode = 'in-process' | 'exec' | 'debian';

/** A link of a chain: our loader's name and arguments (the same for Debian's). */
interface Link {
  name: string;
  args: string[];
}

const link = (name: string, ...args: string[]): Link => ({ name, args });
const DEBIAN = new Set(['envdir', 'envuidgid', 'setuidgid', 'softlimit', 'setlock', 'pgrphack']);

// One link of each loader that does its work and goes on (setlock's file depends on the position,
// so that setlock twice in a chain takes two locks). No -o or memory limit: a Node link started
// under them changes them (Node raises the open files limit) or cannot start at all.
function working(name: string, position: number): Link {
  switch (name) {
    case 'envdir':
      return link('envdir', envDir);
    case 'envfile':
      return link('envfile', envFile);
    case 'envuidgid':
      return link('envuidgid', 'nobody');
    case 'setuidgid':
      return link('setuidgid', 'nobody');
    case 'softlimit':
      return link('softlimit', '-c', '0', '-f', String(1000000 + position), '-t', '1000', '-s', '4000000');
    case 'setlock':
      return link('setlock', locks[position]!);
    case 'pgrphack':
      return link('pgrphack');
    case 'permafailon':
      return link('permafailon', '60', '3', '1');
    default:
      throw new Error(name);
  }
}

// The same loader failing (true: the rest of the chain is still given after it).
function failing(name: string): [Link, boolean] {
  switch (name) {
    case 'envdir':
      return [link('envdir', join(dir, 'missing')), true];
    case 'envfile':
      return [link('envfile', join(dir, 'missing.env')), true];
    case 'envuidgid':
      return [link('envuidgid', 'nosuchaccount'), true];
    case 'setuidgid':
      return [link('setuidgid', 'nosuchaccount'), true];
    case 'softlimit':
      return [link('softlimit', '-o', 'x'), true];
    case 'setlock':
      return [link('setlock', join(dir, 'missing', 'lock')), true];
    case 'pgrphack':
      return [link('pgrphack', 'nosuchprogram'), false];
    case 'permafailon':
      return [link('permafailon', '60', '0', '1'), true];
    default:
      throw new Error(name);
  }
}

const LOADERS = [
  'envdir',
  'envfile',
  'envuidgid',
  'setuidgid',
  'softlimit',
  'setlock',
  'pgrphack',
  'permafailon',
].filter((name) => isRoot || name !== 'setuidgid');

/** The argv of a chain ending in `tail` (the probe unless given): our loaders by name, or Debian's by path. */
function chainArgv(links: readonly Link[], mode: Mode, tail = ['sh', '-c', PROBE]): string[] {
  return [...links.flatMap((l) => [mode === 'debian' ? `/usr/bin/${l.name}` : l.name, ...l.args]), ...tail];
}

/** Runs a chain with fd 3 open on a file (an inherited descriptor it must pass on), in `dir`. */
async function runChain(links: readonly Link[], mode: Mode, tail?: string[]): Promise<Outcome> {
  const argv = chainArgv(links, mode, tail);
  const fd = openSync(inherited, 'r');
  try {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: dir,
      env: { PATH, LANG: 'C', FORTRESS_CHAIN: mode === 'exec' ? 'exec' : 'in-process' },
      stdio: ['ignore', 'pipe', 'pipe', fd],
    });
    return await collect(child, 120_000);
  } finally {
    closeSync(fd);
  }
}

// What differs from run to run whatever the chain: pids, pipe and socket inodes, and the switch.
function normal(outcome: Outcome): { code: number | null; stdout: string; stderr: string } {
  const clean = (s: string): string =>
    s
      .replace(/(pipe|socket):\[\d+\]/g, '$1:[N]')
      .replace(/^FORTRESS_CHAIN=.*$/m, 'FORTRESS_CHAIN=')
      .replace(/\/proc\/\d+\//g, '/proc/PID/');
  return { code: outcome.code, stdout: clean(outcome.stdout), stderr: clean(outcome.stderr) };
}

// Debian's setlock takes the lowest free descriptor, ours the lowest Node left free: the same
// files, held, at other numbers (listed apart, without them). Everything else is compared as it is.
function lockNumbersOut(text: string): string {
  const held = [...text.matchAll(/^\d+ (.*\/lock\d)$/gm)].map((m) => m[1]).sort();
  return `${text.replace(/^\d+ .*\/lock\d\n/gm, '')}lock descriptors: ${held.join(' ')}\n`;
}

async function assertSame(links: readonly Link[], tail?: string[], withDebian = true): Promise<Outcome> {
  const inProcess = await runChain(links, 'in-process', tail);
  const exec = await runChain(links, 'exec', tail);
  const what = chainArgv(links, 'in-process', tail?.slice(0, 1) ?? ['probe']).join(' ');
  assert.deepEqual(normal(inProcess), normal(exec), `in-process vs exec: ${what}`);
  if (withDebian && links.every((l) => DEBIAN.has(l.name))) {
    const theirs = normal(await runChain(links, 'debian', tail));
    const ours = normal(inProcess);
    assert.deepEqual(
      { ...ours, stdout: lockNumbersOut(ours.stdout) },
      { ...theirs, stdout: lockNumbersOut(theirs.stdout) },
      `ours vs Debian: ${what}`,
    );
  }
  return inProcess;
}

test('every pair of loaders: in-process = exec chain = Debian chain (env, limits, ids, pgrp, fds, locks)', async () => {
  for (const first of LOADERS) {
    for (const second of LOADERS) {
      const outcome = await assertSame([working(first, 0), working(second, 1)]);
      if (first === 'setuidgid' && second === 'setuidgid') {
        // nobody may not set its groups: the second one fails, in every chain alike.
        assert.deepEqual(
          [outcome.code, outcome.stderr],
          [111, 'setuidgid: fatal: unable to setgid: permission denied\n'],
        );
        continue;
      }
      assert.equal(outcome.code, 0, `${first} ${second}: ${outcome.stderr}`);
      assert.match(outcome.stdout, /^3 .*\/inherited$/m);
    }
  }
});

test('triples, the usual ./run line among them', async () => {
  const triples = [
    ['envdir', 'softlimit', 'setuidgid'],
    ['setlock', 'envdir', 'setlock'],
    ['pgrphack', 'envuidgid', 'setlock'],
    ['softlimit', 'envfile', 'pgrphack'],
    ['envdir', 'permafailon', 'envdir'],
  ].filter((t) => t.every((name) => LOADERS.includes(name)));
  for (const names of triples) {
    const outcome = await assertSame(names.map((name, i) => working(name, i)));
    assert.equal(outcome.code, 0, `${names.join(' ')}: ${outcome.stderr}`);
  }
});

test('a failing loader in each position of a chain of three: same exit code and message', async () => {
  for (const name of LOADERS) {
    for (let position = 0; position < 3; position++) {
      const fillers = ['envdir', 'softlimit', 'pgrphack'].filter((n) => n !== name);
      const [bad, goesOn] = failing(name);
      const links = [working(fillers[0]!, 0), working(fillers[1]!, 1), working(fillers[0]!, 2)];
      links.splice(position, 1, bad);
      const outcome = await assertSame(goesOn ? links : links.slice(0, position + 1), goesOn ? undefined : []);
      assert.notEqual(outcome.code, 0, `${name} at ${position}`);
      assert.match(outcome.stderr, new RegExp(`^${name}: `), `${name} at ${position}`);
    }
  }
});

test('the program after the chain cannot be run, --help in the middle, a usage error in the middle', async () => {
  const a = await assertSame([working('envdir', 0), working('softlimit', 1)], ['nosuchprogram', 'x']);
  assert.deepEqual([a.code, a.stderr], [111, 'softlimit: fatal: unable to run nosuchprogram: file does not exist\n']);
  const b = await assertSame([working('envdir', 0)], ['setlock', '--help']);
  assert.deepEqual([b.code, b.stdout], [0, 'usage: setlock [ -nNxX ] file program [ arg ... ]\n']);
  const c = await assertSame([working('envdir', 0)], ['envuidgid', 'nobody']);
  assert.deepEqual([c.code, c.stderr], [100, 'envuidgid: usage: envuidgid account child\n']);
});

test('order: setuidgid before envdir reads as the account (access denied, as the exec chain and Debian)', {
  skip: !isRoot,
}, async () => {
  const outcome = await assertSame([link('setuidgid', 'nobody'), link('envdir', secretDir)]);
  assert.deepEqual(
    [outcome.code, outcome.stderr],
    [111, `envdir: fatal: unable to read ${secretDir}/S: access denied\n`],
  );
  const root = await assertSame([link('envdir', secretDir), link('setuidgid', 'nobody')]);
  assert.equal(root.code, 0);
  assert.match(root.stdout, /^S=x$/m);
});

test('order: a PATH set by envdir governs the search of the link after next; a program not ours there is exec`d', async () => {
  // envdir finds softlimit in its caller's PATH (ours); softlimit, started with envdir's PATH,
  // finds `setuidgid` there: a script of that name that is not ours, so it is exec'd.
  const other = join(dir, 'other-bin');
  mkdirSync(other);
  writeFileSync(join(other, 'setuidgid'), '#!/bin/sh\necho "not ours: $*"\n', { mode: 0o755 });
  const pathDir = join(dir, 'env-path');
  mkdirSync(pathDir);
  writeFileSync(join(pathDir, 'PATH'), `${other}:${BIN}:/usr/bin:/bin\n`);
  const outcome = await assertSame([link('envdir', pathDir), working('softlimit', 1)], ['setuidgid', 'nobody', 'true']);
  assert.deepEqual([outcome.code, outcome.stdout], [0, 'not ours: nobody true\n']);
});

test('recognised by the file, never by the name: Debian`s /usr/bin/envdir and a copy of our shim are exec`d', async () => {
  // Through a symlink elsewhere our shim is still ours (the same file); a name alone is not.
  const links = join(dir, 'links');
  mkdirSync(links);
  symlinkSync(join(BIN, 'envuidgid'), join(links, 'my-envuidgid'));
  const a = await assertSame([working('envdir', 0)], [join(links, 'my-envuidgid'), 'nobody', 'sh', '-c', PROBE]);
  assert.equal(a.code, 0);
  assert.match(a.stdout, /^UID=65534$/m);
  const b = await assertSame([working('envdir', 0)], ['/usr/bin/envdir', envDir, 'sh', '-c', PROBE], false);
  assert.equal(b.code, 0);
});

test('order: softlimit -p before setuidgid makes the exec fail as the exec chain does (RLIMIT_NPROC)', {
  skip: !isRoot,
}, async () => {
  // Node's own threads count as the account's processes once it has switched: over a limit of 1.
  // Debian's setuidgid is one thread: it runs (a difference of every Node setuidgid, exec'd or not).
  const outcome = await assertSame([link('softlimit', '-p', '1'), link('setuidgid', 'nobody')], ['true'], false);
  assert.deepEqual([outcome.code, outcome.stderr], [111, 'setuidgid: fatal: unable to run true: temporary failure\n']);
});

test('softlimit -o and -m before a later link: the final program gets them, as in Debian`s chain', async () => {
  // Exec'd link by link, a Node link raises the open files limit again (and cannot start under
  // -m 3000000 at all); in-process, the chain gives what Debian's gives.
  const links = [link('softlimit', '-o', '200', '-m', '3000000'), working('envdir', 1), working('pgrphack', 2)];
  const ours = normal(await runChain(links, 'in-process'));
  const theirs = normal(await runChain(links, 'debian'));
  assert.equal(ours.code, 0, ours.stderr);
  assert.deepEqual(ours, theirs);
  assert.match(ours.stdout, /^Max open files\s+200\s/m);
  assert.match(ours.stdout, /^Max address space\s+3000000\s/m);
});

const hasStrace = existsSync('/usr/bin/strace');

test('one Node start for the whole chain: no shim of ours is exec`d after the first (strace)', {
  skip: !hasStrace && 'no /usr/bin/strace',
}, async () => {
  const links = [working('envdir', 0), working('softlimit', 1), working('setlock', 2)];
  const execs = async (mode: Mode): Promise<string[]> => {
    const trace = join(dir, `trace-${mode}`);
    const outcome = await runChain(links, mode, ['/bin/true']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const traced = await runChain([], mode, [
      '/usr/bin/strace',
      '-f',
      '-qq',
      '-e',
      'trace=execve',
      '-o',
      trace,
      ...chainArgv(links, mode, ['/bin/true']),
    ]);
    assert.equal(traced.code, 0, traced.stderr);
    // The files exec'd successfully, in order: a shim (its #! runs env in the same execve), node, ...
    return readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => /execve\(/.test(line) && / = 0$/.test(line))
      .map((line) => /execve\("([^"]*)"/.exec(line)![1]!);
  };
  const inProcess = await execs('in-process');
  assert.deepEqual(
    inProcess.map((f) => f.replace(/.*\//, '')),
    ['envdir', 'node', 'true'],
    inProcess.join(' '),
  );
  const exec = await execs('exec');
  assert.deepEqual(
    exec.map((f) => f.replace(/.*\//, '')),
    ['envdir', 'node', 'softlimit', 'node', 'setlock', 'node', 'true'],
    exec.join(' '),
  );
});
