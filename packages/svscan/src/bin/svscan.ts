// svscan [-1] [-k] [-j] [-q] [-s supervise] [-t ms] [dir]: supervises every service directory in dir.
import { fatalError, program } from '@fortress/core/program';
import { parseOptions, USAGE } from '../options.js';
import { runSvscan } from '../run-svscan.js';

export const main = program('svscan', USAGE, (argv, env) => {
  const options = parseOptions(argv, env);
  if (options.dir !== undefined) {
    try {
      process.chdir(options.dir);
    } catch (err) {
      throw fatalError(`unable to chdir to ${options.dir}`, err);
    }
  }
  return runSvscan(options, env);
});
