#!/usr/bin/env node
// Writes every program's bin shim (packages/P/bin/NAME.js, for each NAME of the package's "bin"
// map) from the one template below; `node scripts/shims.js --check` only compares, and exits 1
// naming the shims that differ (test/shims.test.ts runs it). Edit the template, never a shim.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleConfig } from './bundle.js';

const root = new URL('..', import.meta.url).pathname;

// Node options a program needs on its #! line. dnscache: V8's young generation capped at
// 8 MiB per semi-space (the default, 32, made it 64 MiB of resident memory for no measurable
// speed; dnscache README, Performance).
const NODE_OPTIONS = { dnscache: '--max-semi-space-size=8' };

/** The shim of program `name`; `bundled`: it has a one-file bundle (scripts/bundle.js). */
export function shimText(name, bundled) {
  const node = NODE_OPTIONS[name] ? `-S node ${NODE_OPTIONS[name]}` : 'node';
  const entry = bundled ? `bundleIfFresh() ?? '../dist/bin/${name}.js'` : `'../dist/bin/${name}.js'`;
  let text = `#!/usr/bin/env ${node}
// The ${name} program (src/bin/${name}.ts)${bundled ? ', from its one-file bundle when built and fresh,\n// from the compiled modules otherwise' : ''}.
// Generated from the template in scripts/shims.js: edit that and run it, never this file.
// fortress needs Node 24, which npm puts first on PATH. Builtins through getBuiltinModule: an ES
// import of a builtin builds its whole namespace.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    \`${name}: fatal: Node \${process.version} is too old: fortress needs Node 24 (put node_modules/.bin first on PATH)\\n\`,
  );
  process.exit(100);
}
process.getBuiltinModule('node:module').enableCompileCache?.();
let main;
try {
  ({ main } = await import(${entry}));
} catch (err) {
  // Not a stack trace, even when the program cannot be loaded (a missing build, a bad install);
  // an addon that will not load (core's addon.ts) says so in djb's shape.
  const message = String(err?.message ?? err).split('\\n')[0];
  const text = err?.code === 'ERR_ADDON' ? message : \`internal error: \${message}\`;
  process.getBuiltinModule('node:fs').writeSync(2, \`${name}: fatal: \${text}\\n\`);
  process.exit(111);
}
process.exitCode = await main(process.argv.slice(2), process.env);
`;
  if (bundled) {
    text += `
// The bundle, unless tsc has compiled this package or core since it was made (tsc -b rewrites a
// project's .tsbuildinfo whenever it emits): a stale bundle must never run.
function bundleIfFresh() {
  const { statSync } = process.getBuiltinModule('node:fs');
  const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
  const made = mtime('../dist/bundle/${name}.js');
  if (made === undefined) return undefined;
  const compiled = [mtime('../dist/.tsbuildinfo'), mtime('../../core/dist/.tsbuildinfo')];
  if (compiled.some((t) => t !== undefined && t > made)) return undefined;
  return new URL('../dist/bundle/${name}.js', import.meta.url);
}
`;
  }
  return text;
}

/** Every shim: { path (relative to the repository), text }. */
export function allShims() {
  const shims = [];
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', pkg);
    const bin = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).bin ?? {};
    const { programs } = bundleConfig(pkgDir);
    for (const [name, file] of Object.entries(bin)) {
      // Only Node programs have shims (multilog-attach is a C program's own small sh launcher).
      if (!file.endsWith('.js')) continue;
      shims.push({ path: join('packages', pkg, file), text: shimText(name, programs.includes(name)) });
    }
  }
  return shims;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv[2] === '--check';
  const differ = [];
  for (const { path, text } of allShims()) {
    let current;
    try {
      current = readFileSync(join(root, path), 'utf8');
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    if (check) differ.push(path);
    else writeFileSync(join(root, path), text, { mode: 0o755 });
  }
  if (differ.length > 0) {
    console.error(`shims: not as the template makes them (run node scripts/shims.js): ${differ.join(' ')}`);
    process.exit(1);
  }
}
