// supervise DIR: one Supervisor for one service directory. SIGTERM (and SIGINT) act like
// `svc -dx`: stop the service, then exit 0.
import { EXIT_OK, EXIT_TEMPORARY, usage, writeStderr } from '@fortress/core/errors';
import { SetupError } from '../setup-error.js';
import { Supervisor } from '../supervisor.js';

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const dir = argv[0];
  if (argv.length !== 1 || dir === undefined || dir === '') return usage('supervise', 'dir');
  // `ps` shows `supervise DIR`, as for daemontools' supervise (within the original argv's length).
  process.title = `supervise ${dir}`;
  const supervisor = new Supervisor({ dir, env, stdio: [0, 1, 2] });
  try {
    await supervisor.start();
  } catch (err) {
    const text = err instanceof SetupError ? err.message : String(err);
    writeStderr(`supervise: fatal: ${text}`);
    return EXIT_TEMPORARY;
  }
  const stop = () => void supervisor.shutdown();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await supervisor.exited;
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  return EXIT_OK;
}
