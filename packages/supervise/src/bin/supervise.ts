// supervise DIR: one Supervisor for one service directory. SIGTERM (and SIGINT) act like
// `svc -dx`: stop the service, then exit 0.
import { program, usageError } from '@fortress/core/program';
import { superviseDir } from '../supervise-dir.js';

export const main = program('supervise', 'dir', (argv, env) => {
  const dir = argv[0];
  if (argv.length !== 1 || dir === undefined || dir === '') throw usageError();
  // `ps` shows `supervise DIR`, as for daemontools' supervise (within the original argv's length).
  process.title = `supervise ${dir}`;
  return superviseDir({ dir, env, stdio: [0, 1, 2] });
});
