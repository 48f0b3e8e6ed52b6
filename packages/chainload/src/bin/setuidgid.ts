// setuidgid ACCOUNT[:GROUP...] CHILD...: run CHILD as ACCOUNT, in this same process.
import { fatalError, program, usageError } from '@fortress/core/program';
import { resolveCredentials, switchTo } from '../credentials.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';

export const main = program('setuidgid', 'account child', (argv, env) => {
  const [spec, ...child] = argv;
  if (spec === undefined || child.length === 0) throw usageError();
  const result = resolveCredentials(spec);
  if (!result.ok) throw fatalError(`unknown ${result.unknown} ${result.name}`);
  switchTo(result.credentials);
  return chainTo('setuidgid', child, applyEnvChanges(env, []), env['PATH']);
});
