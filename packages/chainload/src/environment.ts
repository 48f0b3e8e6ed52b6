// Environment changes applied the way djb's pathexec_env does, so `env` prints the same order.

/** A variable to set (string) or to remove (undefined). */
export type EnvChange = readonly [name: string, value: string | undefined];

/**
 * Returns the environment the child gets: `env` with each change applied in order. As in
 * pathexec_env, a replaced or removed variable's slot is taken by the last entry and new
 * values are appended, so the child sees the variables in the order the original gives them.
 */
export function applyEnvChanges(env: NodeJS.ProcessEnv, changes: readonly EnvChange[]): string[] {
  const entries: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) entries.push(`${name}=${value}`);
  }
  for (const [name, value] of changes) {
    // Like the original, the name ends at its first `=` (an envdir file named `G=H` replaces `G`).
    const split = name.indexOf('=');
    const prefix = `${split === -1 ? name : name.slice(0, split)}=`;
    const at = entries.findIndex((entry) => entry.startsWith(prefix));
    if (at !== -1) {
      const last = entries.pop()!;
      if (at < entries.length) entries[at] = last;
    }
    if (value !== undefined) entries.push(`${name}=${value}`);
  }
  return entries;
}
