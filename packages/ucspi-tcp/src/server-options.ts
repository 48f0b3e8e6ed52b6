// tcpserver's command line: the original getopt string plus our extensions
// (-C per-address limit, -m in-process handler module).
import { getopt, scanNumber } from '@fortress/core/getopt';
import { usageError } from '@fortress/core/program';

export const SERVER_USAGE =
  '[ -1UXpPhHrRoOdDqQv ] [ -c limit ] [ -x rules.cdb ] [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ] [ -t timeout ] [ -C perip ] [ -m module.js ] host port program';

export interface ServerOptions {
  limit: number;
  backlog: number;
  rules: string | undefined;
  rulesMissingOk: boolean;
  banner: string;
  /** Numeric id or account name; '' or '0' means unchanged. */
  user: string;
  group: string;
  printPort: boolean;
  localName: string | undefined;
  lookupRemoteHost: boolean;
  paranoid: boolean;
  ident: boolean;
  identTimeout: number;
  keepIpOptions: boolean;
  noDelay: boolean;
  verbosity: 0 | 1 | 2;
  perIpLimit: number;
  handlerModule: string | undefined;
  host: string;
  port: string;
  program: string[];
}

/** Undefined when operands are missing; throws a usage error for getopt's problems. */
export function parseServerOptions(argv: string[], env: NodeJS.ProcessEnv): ServerOptions | undefined {
  const parsed = getopt(argv, 'dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoOC:m:');
  if (parsed.problem !== undefined) throw usageError(parsed.problem);
  const o: ServerOptions = {
    limit: 40,
    backlog: 20,
    rules: undefined,
    rulesMissingOk: false,
    banner: '',
    user: '',
    group: '',
    printPort: false,
    localName: undefined,
    lookupRemoteHost: true,
    paranoid: false,
    ident: true,
    identTimeout: 26,
    keepIpOptions: false,
    noDelay: false,
    verbosity: 1,
    perIpLimit: 0,
    handlerModule: undefined,
    host: '',
    port: '',
    program: [],
  };
  for (const [letter, value = ''] of parsed.options) {
    switch (letter) {
      case 'c':
        o.limit = scanNumber(value);
        break;
      case 'b':
        o.backlog = scanNumber(value);
        break;
      case 'x':
        o.rules = value;
        break;
      case 'X':
        o.rulesMissingOk = true;
        break;
      case 'B':
        o.banner = value;
        break;
      case 'u':
        o.user = value;
        break;
      case 'g':
        o.group = value;
        break;
      case 'U':
        o.user = String(scanNumber(env.UID ?? ''));
        o.group = String(scanNumber(env.GID ?? ''));
        break;
      case '1':
        o.printPort = true;
        break;
      case 'l':
        o.localName = value;
        break;
      case 'h':
        o.lookupRemoteHost = true;
        break;
      case 'H':
        o.lookupRemoteHost = false;
        break;
      case 'p':
        o.paranoid = true;
        break;
      case 'P':
        o.paranoid = false;
        break;
      case 'r':
        o.ident = true;
        break;
      case 'R':
        o.ident = false;
        break;
      case 't':
        o.identTimeout = scanNumber(value);
        break;
      case 'o':
        o.keepIpOptions = true;
        break;
      case 'O':
        o.keepIpOptions = false;
        break;
      case 'd':
        o.noDelay = false;
        break;
      case 'D':
        o.noDelay = true;
        break;
      case 'q':
        o.verbosity = 0;
        break;
      case 'Q':
        o.verbosity = 1;
        break;
      case 'v':
        o.verbosity = 2;
        break;
      case 'C':
        o.perIpLimit = scanNumber(value);
        break;
      case 'm':
        o.handlerModule = value;
        break;
    }
  }
  const [host, port, ...program] = parsed.operands;
  if (host === undefined || port === undefined) return undefined;
  if (program.length === 0 && o.handlerModule === undefined) return undefined;
  if (o.limit < 1) o.limit = 1;
  return { ...o, host, port, program };
}
