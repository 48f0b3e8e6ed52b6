// fortress uninstall [--prefix DIR] [--dry-run]: removes what `fortress install` wrote under
// PREFIX (and its boot file), as its record lists, and nothing else.
import { fatal, usage, writeStderr } from '@fortress/core/errors';
import { parseArgs } from '../args.js';
import { applyUninstall, planUninstall, type UninstallStep } from '../install/installer.js';
import { type InstallRecord, readRecord, recordPath } from '../install/record.js';

export const SYNOPSIS = 'uninstall [--prefix DIR] [--dry-run]';

export function main(argv: string[], _env: NodeJS.ProcessEnv): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, ['prefix'], ['dry-run']);
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  if (args.operands.length > 0) return usage('fortress', SYNOPSIS);
  const prefix = args.options.get('prefix') ?? '/usr/local';
  let record: InstallRecord | undefined;
  try {
    record = readRecord(prefix);
  } catch (err) {
    return fatal('fortress', `unable to read ${recordPath(prefix)}`, err);
  }
  if (!record) return fatal('fortress', `nothing to uninstall: no ${recordPath(prefix)}`, undefined, 100);
  const dry = args.flags.has('dry-run');
  let steps: UninstallStep[] = planUninstall(record, prefix);
  if (!dry) {
    try {
      steps = applyUninstall(steps);
    } catch (err) {
      return fatal('fortress', `unable to uninstall from ${prefix}`, err);
    }
  }
  for (const step of steps) {
    if (step.action === 'keep') writeStderr(`fortress: warning: left ${step.path}: ${step.why}`);
    else if (step.action === 'remove-line')
      process.stdout.write(`${dry ? 'would remove' : 'removed'} from ${step.path}: ${step.why}\n`);
    else if (step.action === 'rmdir' && dry) process.stdout.write(`would remove ${step.path} (when empty)\n`);
    else process.stdout.write(`${dry ? 'would remove' : 'removed'} ${step.path}\n`);
  }
  return 0;
}
