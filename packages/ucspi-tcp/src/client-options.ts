// tcpclient's command line: ucspi-tcp 0.88's options and defaults.
import { getopt, scanNumber } from '@fortress/core/getopt';
import { usageError } from '@fortress/core/program';

export const CLIENT_USAGE =
  '[ -hHrRdDqQv ] [ -i localip ] [ -p localport ] [ -T timeoutconn ] [ -l localname ] [ -t timeoutinfo ] host port program';

export interface ClientOptions {
  lookupRemoteHost: boolean;
  ident: boolean;
  identTimeout: number;
  noDelay: boolean;
  verbosity: number;
  localIp: string | undefined;
  localPort: number;
  connectTimeout: number;
  localName: string | undefined;
}

/** The options and the operands (host, port, program...); throws a usage error. */
export function parseClientOptions(argv: string[]): [ClientOptions, [string, string, ...string[]]] {
  const parsed = getopt(argv, 'dDvqQhHrRi:p:t:T:l:');
  if (parsed.problem !== undefined) throw usageError(parsed.problem);
  const [host, port, ...program] = parsed.operands;
  if (host === undefined || port === undefined || program.length === 0) throw usageError();
  const o: ClientOptions = {
    lookupRemoteHost: true,
    ident: true,
    identTimeout: 26,
    noDelay: false,
    verbosity: 1,
    localIp: undefined,
    localPort: 0,
    connectTimeout: 60,
    localName: undefined,
  };
  for (const [letter, value = ''] of parsed.options) {
    if (letter === 'h' || letter === 'H') o.lookupRemoteHost = letter === 'h';
    else if (letter === 'r' || letter === 'R') o.ident = letter === 'r';
    else if (letter === 'd' || letter === 'D') o.noDelay = letter === 'D';
    else if (letter === 'q') o.verbosity = 0;
    else if (letter === 'Q') o.verbosity = 1;
    else if (letter === 'v') o.verbosity = 2;
    else if (letter === 'i') o.localIp = value;
    else if (letter === 'p') o.localPort = scanNumber(value);
    else if (letter === 't') o.identTimeout = scanNumber(value);
    else if (letter === 'l') o.localName = value;
    else if (letter === 'T') {
      const [first = '2', second = '58'] = value.split('+');
      o.connectTimeout = scanNumber(first) + (value.includes('+') ? scanNumber(second) : 0);
    }
  }
  return [o, [host, port, ...program]];
}
