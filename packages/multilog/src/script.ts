// multilog's command line is a script: one action per argument, recognised by its first character.
import type { StampKind } from './stamp.js';

export const DEFAULT_SIZE = 99999;
export const MIN_SIZE = 4096;
export const MAX_SIZE = 16777215;
export const DEFAULT_NUM = 10;
export const MIN_NUM = 2;
/** The longest timer Node keeps: about 24 days. */
export const MAX_AGE = 2_147_483;

export interface DirSettings {
  /** The directory as written in the script (`./main`), used in messages. */
  path: string;
  size: number;
  num: number;
  /** Shell command run on each finished file, or undefined. */
  processor: string | undefined;
  /** Extension: most bytes the old files may hold in all (0: no limit). */
  total: number;
  /** Extension: rotate a non-empty current this many seconds after its first line (0: never). */
  maxAge: number;
}

export type Action =
  | { op: 'deselect'; pattern: Buffer }
  | { op: 'select'; pattern: Buffer }
  | { op: 'alert' }
  | { op: 'status'; file: string }
  | { op: 'dir'; settings: DirSettings }
  | { op: 'stdout' };

export interface Script {
  stamp: StampKind;
  actions: Action[];
  /** Arguments that are no action (0.76 ignores them silently; `main` for `./main` is the usual slip). */
  ignored: string[];
}

/** Leading decimal digits as a number (0 when there are none), as djb's scan_ulong reads them. */
function leadingNumber(text: string): number {
  const m = /^[0-9]*/.exec(text);
  return m && m[0] !== '' ? Number(m[0]) : 0;
}

/**
 * Parses the script. `t` (TAI64N) or `T` (local ISO 8601 time) count only as the first argument;
 * unknown actions are ignored, as in daemontools 0.76.
 */
export function parseScript(argv: readonly string[]): Script {
  let stamp: StampKind = 'none';
  let start = 0;
  const first = argv[0];
  if (first?.startsWith('t')) {
    stamp = 'tai64n';
    start = 1;
  } else if (first?.startsWith('T')) {
    stamp = 'iso';
    start = 1;
  }
  let size = DEFAULT_SIZE;
  let num = DEFAULT_NUM;
  let processor: string | undefined;
  let maxAge = 0;
  let total = 0;
  const actions: Action[] = [];
  const ignored: string[] = [];
  for (const arg of argv.slice(start)) {
    const rest = arg.slice(1);
    switch (arg[0]) {
      case '-':
        actions.push({ op: 'deselect', pattern: Buffer.from(rest) });
        break;
      case '+':
        actions.push({ op: 'select', pattern: Buffer.from(rest) });
        break;
      case 'e':
        actions.push({ op: 'alert' });
        break;
      case '=':
        actions.push({ op: 'status', file: rest });
        break;
      case 's':
        size = Math.min(MAX_SIZE, Math.max(MIN_SIZE, leadingNumber(rest)));
        break;
      case 'n':
        num = Math.max(MIN_NUM, leadingNumber(rest));
        break;
      case '!':
        processor = rest;
        break;
      case '.':
      case '/':
        actions.push({ op: 'dir', settings: { path: arg, size, num, processor, maxAge, total } });
        break;
      case 'S':
        total = leadingNumber(rest);
        break;
      case 'a':
        maxAge = Math.min(MAX_AGE, leadingNumber(rest));
        break;
      case '1':
        actions.push({ op: 'stdout' });
        break;
      default:
        if (arg !== '') ignored.push(arg);
        break;
    }
  }
  return { stamp, actions, ignored };
}
