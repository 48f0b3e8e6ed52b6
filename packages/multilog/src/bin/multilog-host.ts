// multilog-host NAME: the log host of the calling account on the abstract socket NAME (host.ts);
// started by multilog-attach when none answers. Exits 0 when another host holds NAME, or once it
// has had no logger for a few seconds.
import { program, usageError } from '@fortress/core/program';
import { LogHost } from '../host.js';

export const main = program('multilog-host', 'name', async (argv) => {
  if (argv.length !== 1 || argv[0] === '') throw usageError();
  process.umask(0o022);
  let host: LogHost;
  try {
    host = new LogHost(argv[0]!);
  } catch (err) {
    // Another host answers on NAME already: it serves the loggers.
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return 0;
    throw err;
  }
  await host.done;
  return 0;
});
