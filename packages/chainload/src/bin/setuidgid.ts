// setuidgid ACCOUNT[:GROUP...] CHILD...: run CHILD as ACCOUNT, in this same process.
import { fatal } from '@fortress/core/errors';
import { fatalError, program, usageError } from '@fortress/core/program';
import { resolveCredentials, SwitchError, switchTo } from '../credentials.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';

export const main = program('setuidgid', 'account child', (argv, env) => {
  const [spec, ...child] = argv;
  if (spec === undefined || child.length === 0) throw usageError();
  const result = resolveCredentials(spec);
  if (!result.ok) throw fatalError(`unknown ${result.unknown} ${result.name}`);
  try {
    switchTo(result.credentials);
  } catch (err) {
    if (err instanceof SwitchError) return fatal('setuidgid', err.message, err.cause);
    throw err;
  }
  return chainTo('setuidgid', child, applyEnvChanges(env, []), env['PATH']);
});
