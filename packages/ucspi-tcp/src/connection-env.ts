// The environment PROGRAM gets: the server's own, then PROTO and the TCP* variables (unknown
// ones removed), then the matching rule's variables, which may override anything.
import type { ConnectionFields } from './log-line.js';

const TCP_NAMES = [
  'PROTO',
  'TCPLOCALIP',
  'TCPLOCALPORT',
  'TCPLOCALHOST',
  'TCPREMOTEIP',
  'TCPREMOTEPORT',
  'TCPREMOTEHOST',
  'TCPREMOTEINFO',
  'TCP6LOCALIP',
  'TCP6LOCALPORT',
  'TCP6LOCALHOST',
  'TCP6REMOTEIP',
  'TCP6REMOTEPORT',
  'TCP6REMOTEHOST',
  'TCP6REMOTEINFO',
];

/** The server environment as `NAME=VALUE` strings without the TCP* names (computed once). */
export function baseEnvironment(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !TCP_NAMES.includes(name)) out.push(`${name}=${value}`);
  }
  return out;
}

/** The variables for one connection, as pairs (undefined values are left out). */
export function connectionVariables(f: ConnectionFields, ipv6: boolean): Array<[string, string | undefined]> {
  const vars: Array<[string, string | undefined]> = [
    ['PROTO', ipv6 ? 'TCP6' : 'TCP'],
    ['TCPLOCALIP', f.localIp],
    ['TCPLOCALPORT', String(f.localPort)],
    ['TCPLOCALHOST', f.localHost],
    ['TCPREMOTEIP', f.remoteIp],
    ['TCPREMOTEPORT', String(f.remotePort)],
    ['TCPREMOTEHOST', f.remoteHost],
    ['TCPREMOTEINFO', f.remoteInfo],
  ];
  if (ipv6) {
    for (const [name, value] of vars.slice(1)) vars.push([name.replace('TCP', 'TCP6'), value]);
  }
  return vars;
}

/** base + connection variables + rule variables (later entries replace earlier ones). */
export function buildEnvironment(
  base: string[],
  vars: Array<[string, string | undefined]>,
  ruleVars: Array<[string, string]>,
): string[] {
  const out = base.slice();
  const rules = new Map(ruleVars);
  for (const [name, value] of vars) {
    if (value !== undefined && !rules.has(name)) out.push(`${name}=${value}`);
  }
  if (ruleVars.length === 0) return out;
  const ruleNames = new Set(rules.keys());
  const kept = out.filter((entry) => !ruleNames.has(entry.slice(0, entry.indexOf('='))));
  for (const [name, value] of rules) kept.push(`${name}=${value}`);
  return kept;
}
