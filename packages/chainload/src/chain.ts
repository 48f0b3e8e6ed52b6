// In-process chaining (issue 17): when a loader's next program is itself one of our loaders, the
// link runs here, in the same Node, instead of costing an exec and a new Node start; only the
// first program that is not ours is exec'd. `FORTRESS_CHAIN=exec` in the next link's environment
// turns it off (every link exec'd, as before).
import { packageDir } from '@fortress/core/addon';
import { type Main, report } from '@fortress/core/program';
import { envView } from './environment.js';
import { startEnvironment } from './execve.js';
import { fs } from './node-fs.js';

/** A program's main before core's program() wraps it, with what that wrapper needs to report for it. */
export interface Link {
  name: string;
  usage: string;
  run: Main;
}

// The loaders that may run in-process: those that end in chainTo (exec.ts). fghack and
// readproctitle do not exec; they are exec'd as before.
const LINKS: Record<string, () => Promise<{ link: Link }>> = {
  envdir: () => import('./bin/envdir.js'),
  envfile: () => import('./bin/envfile.js'),
  envuidgid: () => import('./bin/envuidgid.js'),
  pgrphack: () => import('./bin/pgrphack.js'),
  permafailon: () => import('./bin/permafailon.js'),
  setlock: () => import('./bin/setlock.js'),
  setuidgid: () => import('./bin/setuidgid.js'),
  softlimit: () => import('./bin/softlimit.js'),
};

let ownDir: string | undefined;

/** This package's directory, symlinks resolved, with a trailing slash. */
function packageRoot(): string {
  ownDir ??= `${fs.realpathSync.native(packageDir(import.meta.url, 'chainload'))}/`;
  return ownDir;
}

/** The value of variable `name` in `envp` (the first entry, as getenv), or undefined. */
function lookup(envp: readonly Buffer[], name: string): string | undefined {
  const prefix = Buffer.from(`${name}=`);
  const entry = envp.find(
    (e) => e.length >= prefix.length && e.compare(prefix, 0, prefix.length, 0, prefix.length) === 0,
  );
  return entry?.toString('utf8', prefix.length);
}

const readable = (path: string, mode = fs.constants.R_OK): boolean => {
  try {
    fs.accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
};

// The variables Node itself reads at start-up (NODE_OPTIONS, UV_THREADPOOL_SIZE, ...), sorted.
function nodeSettings(envp: readonly Buffer[]): string[] {
  return envp
    .map((e) => e.toString('latin1'))
    .filter((e) => /^(NODE|UV)_[^=]*=/.test(e))
    .sort();
}

// The `node` that the shim's `#!/usr/bin/env node` would find in the next link's PATH (env's
// execvp: unset PATH is /bin:/usr/bin) is this very Node.
function sameNode(envp: readonly Buffer[]): boolean {
  const self = fs.realpathSync.native(process.execPath);
  for (const dir of (lookup(envp, 'PATH') ?? '/bin:/usr/bin').split(':')) {
    const file = `${dir === '' ? '.' : dir}/node`;
    if (!readable(file, fs.constants.X_OK) || !fs.statSync(file).isFile()) continue;
    return fs.realpathSync.native(file) === self;
  }
  return false;
}

/**
 * The name of our loader that exec'ing `file` (found in PATH, execError passed) with `envp` would
 * start, when running it here is indistinguishable from exec'ing it; else undefined. It must be the
 * very shim our bin runs (the file, symlinks resolved; never a name alone: Debian's /usr/bin/envdir
 * is another program), readable now (after setuidgid too) with the module it would load, started
 * by this same Node with the same Node settings, and this process started without Node options.
 */
export function ourLoader(file: string, envp: readonly Buffer[]): string | undefined {
  if (lookup(envp, 'FORTRESS_CHAIN') === 'exec' || process.execArgv.length > 0) return undefined;
  try {
    return shimOf(fs.realpathSync.native(file), envp);
  } catch {
    return undefined; // a file gone meanwhile, an unreadable directory: exec'd as before
  }
}

// The loader whose shim `real` (symlinks resolved) is, when it may run here; see ourLoader.
function shimOf(real: string, envp: readonly Buffer[]): string | undefined {
  const root = packageRoot();
  const m = /^bin\/([a-z]+)\.js$/.exec(real.startsWith(root) ? real.slice(root.length) : '');
  const name = m?.[1];
  if (name === undefined || !Object.hasOwn(LINKS, name)) return undefined;
  const bundle = `${root}dist/bundle/${name}.js`;
  const module = fs.existsSync(bundle) ? bundle : `${root}dist/bin/${name}.js`;
  if (!readable(real) || !readable(module) || !sameNode(envp)) return undefined;
  const settings = nodeSettings(envp);
  const ownSettings = nodeSettings(startEnvironment());
  if (settings.length !== ownSettings.length || settings.some((s, i) => s !== ownSettings[i])) return undefined;
  return name;
}

/**
 * Runs loader `name` here with `argv` and environment `envp`, as its program() wrapper would
 * (`--help`, its own messages and exit codes); returns its exit code when it does not exec.
 */
export async function runLink(name: string, argv: string[], envp: readonly Buffer[]): Promise<number> {
  const { link } = await LINKS[name]!();
  if (argv.length === 1 && argv[0] === '--help') {
    try {
      fs.writeSync(1, `usage: ${link.name} ${link.usage}\n`);
    } catch {
      // stdout closed: nobody to tell.
    }
    return 0;
  }
  try {
    return await link.run(argv, envView(envp));
  } catch (err) {
    return report(link.name, link.usage, err);
  }
}
