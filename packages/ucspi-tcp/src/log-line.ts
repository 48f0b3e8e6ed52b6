// tcpserver's -v lines. Fields are sanitised as the original does: bytes outside 33..126,
// `%` and `:` become `?`; a field is cut at 100 bytes and `...` appended. IP fields keep
// their colons (IPv6), as the IPv6 patch does.
function sanitize(field: string, keepColon: boolean): string {
  let out = '';
  const cut = field.length > 100 ? field.slice(0, 100) : field;
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    if (c < 33 || c > 126 || c === 37 || (c === 58 && !keepColon)) out += '?';
    else out += cut[i];
  }
  return field.length > 100 ? `${out}...` : out;
}

export interface ConnectionFields {
  localHost: string | undefined;
  localIp: string;
  localPort: number;
  remoteHost: string | undefined;
  remoteIp: string;
  remoteInfo: string | undefined;
  remotePort: number;
}

/** `ok PID LH:LIP:LPORT RH:RIP:RINFO:RPORT` (or deny). */
export function decisionLine(verdict: 'ok' | 'deny', pid: number, f: ConnectionFields): string {
  const lh = sanitize(f.localHost ?? '', false);
  const rh = sanitize(f.remoteHost ?? '', false);
  const ri = sanitize(f.remoteInfo ?? '', false);
  return `tcpserver: ${verdict} ${pid} ${lh}:${sanitize(f.localIp, true)}:${f.localPort} ${rh}:${sanitize(f.remoteIp, true)}:${ri}:${f.remotePort}\n`;
}
