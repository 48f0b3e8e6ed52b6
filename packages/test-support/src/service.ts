// Service directories and shell scripts as the programs under test find them on disk.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes an executable `#!/bin/sh` script with BODY. */
export function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/**
 * Creates PARENT/NAME as a service directory: ./run a `#!/bin/sh` script with RUNBODY (none when
 * undefined), and each of FILES (name to content, e.g. `down`) beside it. Returns its path.
 */
export function makeService(
  parent: string,
  name: string,
  runBody: string | undefined,
  files: Record<string, string> = {},
): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  if (runBody !== undefined) writeScript(join(dir, 'run'), runBody);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}
