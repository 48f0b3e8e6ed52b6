// The article's usual suspects: services that listen on the network by default though most
// machines use them locally or not at all.
import type { Verdict } from '../address.js';
import type { Protocol } from './proc-net.js';

export interface Suspect {
  name: string;
  advice: string;
}

interface Rule {
  proto: Protocol | 'any';
  from: number;
  to: number;
  name: string;
  advice: string;
  /** Verdicts for which the socket is flagged; loopback is never flagged. */
  when: readonly Verdict[];
}

const EXPOSED: readonly Verdict[] = ['wildcard', 'public', 'private', 'link-local'];
const WORLD: readonly Verdict[] = ['wildcard', 'public'];

const RULES: readonly Rule[] = [
  { proto: 'tcp', from: 6000, to: 6063, name: 'X11', advice: 'start the X server with -nolisten tcp', when: EXPOSED },
  { proto: 'udp', from: 177, to: 177, name: 'XDMCP', advice: 'start xdm with -udpPort 0', when: EXPOSED },
  {
    proto: 'tcp',
    from: 515,
    to: 515,
    name: 'lpd',
    advice: 'a print daemon as root for the world: remove it',
    when: EXPOSED,
  },
  {
    proto: 'any',
    from: 111,
    to: 111,
    name: 'portmapper',
    advice: 'RPC portmapper: remove it unless NFS is needed',
    when: EXPOSED,
  },
  {
    proto: 'any',
    from: 53,
    to: 53,
    name: 'DNS',
    advice: 'bind the cache to 127.0.0.1 or a private address',
    when: WORLD,
  },
  { proto: 'tcp', from: 23, to: 23, name: 'telnet', advice: 'clear-text logins: remove it', when: EXPOSED },
  {
    proto: 'tcp',
    from: 21,
    to: 21,
    name: 'FTP',
    advice: 'read-only anonymous at most, on a private address',
    when: WORLD,
  },
  {
    proto: 'tcp',
    from: 25,
    to: 25,
    name: 'SMTP',
    advice: 'a mail server for the world: is it meant to be?',
    when: WORLD,
  },
  { proto: 'tcp', from: 79, to: 79, name: 'finger', advice: 'bind it to the private network only', when: WORLD },
  { proto: 'tcp', from: 512, to: 514, name: 'r-services', advice: 'rexec/rlogin/rsh: remove them', when: EXPOSED },
  { proto: 'any', from: 2049, to: 2049, name: 'NFS', advice: 'bind to the private network only', when: WORLD },
  { proto: 'any', from: 137, to: 139, name: 'NetBIOS', advice: 'bind Samba to the private network only', when: WORLD },
  { proto: 'tcp', from: 445, to: 445, name: 'SMB', advice: 'bind Samba to the private network only', when: WORLD },
  { proto: 'tcp', from: 98, to: 98, name: 'linuxconf', advice: 'remote administration: remove it', when: EXPOSED },
  {
    proto: 'tcp',
    from: 10000,
    to: 10000,
    name: 'webmin',
    advice: 'remote administration: bind to loopback',
    when: WORLD,
  },
];

/** The suspect a socket matches, if any. */
export function findSuspect(proto: Protocol, port: number, verdict: Verdict): Suspect | undefined {
  for (const rule of RULES) {
    if (rule.proto !== 'any' && rule.proto !== proto) continue;
    if (port < rule.from || port > rule.to) continue;
    if (!rule.when.includes(verdict)) continue;
    return { name: rule.name, advice: rule.advice };
  }
  return undefined;
}
