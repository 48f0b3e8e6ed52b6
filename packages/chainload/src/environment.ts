// Environment changes applied the way djb's pathexec_env does, so `env` prints the same order.
// Names and values are bytes (an envdir file name need not be UTF-8), so entries are Buffers.
import { startEnvironment } from './execve.js';

/** A variable to set (string or bytes) or to remove (undefined). */
export type EnvChange = readonly [name: string | Buffer, value: string | Buffer | undefined];

const EQUALS = 0x3d;

// The exact entries behind an environment made by envView (chain.ts runs the next link with it).
const ENTRIES = Symbol('fortress.chainload.envEntries');

/**
 * The environment a program started with these entries would see as process.env (each entry
 * decoded as UTF-8; a name given twice reads as its first entry, as getenv does), carrying the
 * entries themselves, bytes unchanged, for applyEnvChanges.
 */
export function envView(entries: readonly Buffer[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const entry of entries) {
    const split = entry.indexOf(EQUALS);
    if (split <= 0) continue;
    const name = entry.toString('utf8', 0, split);
    if (!Object.hasOwn(env, name))
      Object.defineProperty(env, name, {
        value: entry.toString('utf8', split + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  Object.defineProperty(env, ENTRIES, { value: entries });
  return env;
}

/**
 * The entries a program starts from: this process's own environment as the bytes it was given
 * (process.env has them decoded as UTF-8, which would change bytes that are not UTF-8), or
 * those of another `env` object.
 */
function baseEntries(env: NodeJS.ProcessEnv): Buffer[] {
  if (env === process.env) return startEnvironment();
  const given = (env as { [ENTRIES]?: readonly Buffer[] })[ENTRIES];
  if (given !== undefined) return [...given];
  const entries: Buffer[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) entries.push(Buffer.from(`${name}=${value}`));
  }
  return entries;
}

/**
 * Returns the environment the child gets: `env` with each change applied in order. As in
 * pathexec_env, a replaced or removed variable's slot is taken by the last entry and new
 * values are appended, so the child sees the variables in the order the original gives them.
 */
export function applyEnvChanges(env: NodeJS.ProcessEnv, changes: readonly EnvChange[]): Buffer[] {
  const entries = baseEntries(env);
  for (const [nameGiven, valueGiven] of changes) {
    const name = Buffer.from(nameGiven);
    // Like the original, the name ends at its first `=` (an envdir file named `G=H` replaces `G`).
    const split = name.indexOf(EQUALS);
    const length = split === -1 ? name.length : split;
    const at = entries.findIndex(
      (entry) => entry.length > length && entry[length] === EQUALS && entry.compare(name, 0, length, 0, length) === 0,
    );
    if (at !== -1) {
      const last = entries.pop()!;
      if (at < entries.length) entries[at] = last;
    }
    if (valueGiven !== undefined) entries.push(Buffer.concat([name, Buffer.of(EQUALS), Buffer.from(valueGiven)]));
  }
  return entries;
}
