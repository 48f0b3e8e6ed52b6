// This process's command line as ps and /proc/PID/cmdline show it, through our own addon
// (native/proctitle.c): Node cannot write the memory the kernel shows there, and
// process.title writes one string without the NUL bytes that separate arguments.
import { loadAddon, packageDir } from '@fortress/core/addon';
import { SystemError } from '@fortress/core/errors';
import { fatalError } from '@fortress/core/program';

interface ProctitleAddon {
  capacity(): number;
  write(offset: number, bytes: Buffer): number;
  end(length: number): number;
  setName(name: string): number;
}

function proctitleAddon(): ProctitleAddon {
  return loadAddon<ProctitleAddon>(packageDir(import.meta.url, 'chainload'), 'proctitle');
}

/**
 * A command line laid out as a C program's argv (`name\0arg\0...\0`), whose last argument can be
 * rewritten in place. The area is the one Node was started with (`node`, the script's path, the
 * arguments), which is at least as long unless the script's path is very short: then the name
 * is cut to fit.
 */
export class CommandLine {
  private readonly addon = proctitleAddon();
  /** Where the last argument starts in the area. */
  private readonly lastAt: number;

  /** Shows `name`, `args` and `last` (bytes), and names the process `name`; throws if it cannot. */
  constructor(name: string, args: readonly string[], last: Buffer) {
    const capacity = this.addon.capacity();
    if (capacity < 0) throw fatalError('unable to find the argument area', new SystemError('open', -capacity));
    const rest = Buffer.concat(args.map((a) => Buffer.from(`${a}\0`)));
    const fixed = rest.length + last.length + 1;
    const nameBytes = Buffer.from(name).subarray(0, Math.max(0, capacity - fixed - 1));
    const head = Buffer.concat([nameBytes, Buffer.of(0), rest]);
    this.lastAt = head.length;
    const layout = Buffer.concat([head, last, Buffer.of(0)]);
    if (layout.length > capacity) throw fatalError('unable to use the argument area: it is too small');
    this.check('write', this.addon.write(0, layout));
    // The command line ends with the last argument where the kernel allows it; NUL bytes otherwise.
    this.addon.end(layout.length);
    this.addon.setName(name.slice(0, 15));
  }

  /** Rewrites the last argument (the same length as given to the constructor). */
  setLast(last: Buffer): void {
    this.check('write', this.addon.write(this.lastAt, last));
  }

  /** The addon's -errno convention, as `readproctitle: fatal: unable to write the argument area: ERR`. */
  private check(what: string, result: number): void {
    if (result < 0) throw fatalError(`unable to ${what} the argument area`, new SystemError(what, -result));
  }
}
