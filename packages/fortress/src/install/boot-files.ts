// The boot files `fortress install` writes: a systemd unit or an inittab line that start
// svscanboot through its launcher, with a PATH whose first directory holds the launchers.

export const DEFAULT_SCAN_DIR = '/service';

export interface BootOptions {
  /** PREFIX/bin, where the launchers are. */
  bin: string;
  scanDir: string;
}

/** The PATH svscan and every ./run get: the launchers first, then the system's directories. */
export function bootPath(bin: string): string {
  return [bin, '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']
    .filter((dir, i, all) => all.indexOf(dir) === i)
    .join(':');
}

export function systemdUnit({ bin, scanDir }: BootOptions): string {
  return `# systemd unit for fortress svscan on ${scanDir}, written by \`fortress install\` (removed by
# \`fortress uninstall\`). Enable it with: systemctl daemon-reload && systemctl enable --now svscan
[Unit]
Description=fortress svscan: supervise every service in ${scanDir}
After=local-fs.target network.target

[Service]
Type=simple
# svscanboot gives svscan a clean environment (this PATH only) and stdin from /dev/null; its
# messages go to the journal (journalctl -u svscan). The launchers in ${bin} run the pinned Node.
Environment=PATH=${bootPath(bin)}
# -1: every supervisor in one Node process, the mode the README recommends (memory).
ExecStart=${bin}/svscanboot -1 ${scanDir}
# SIGTERM makes svscan stop every service (dx), each logger after its service, then exit 0.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=90
Restart=always
RestartSec=1
# 100 is a permanent error (usage, a Node too old): starting again would only loop.
RestartPreventExitStatus=100

[Install]
WantedBy=multi-user.target
`;
}

/** One /etc/inittab line: init starts svscanboot and starts it again if it dies. */
export function inittabLine({ bin, scanDir }: BootOptions): string {
  return `SV:123456:respawn:/usr/bin/env - PATH=${bootPath(bin)} ${bin}/svscanboot -1 ${scanDir}`;
}

/** The Environment= and ExecStart= of a unit: what systemd would run, as argv and environment. */
export function unitCommand(unit: string): { env: Record<string, string>; argv: string[] } {
  const env: Record<string, string> = {};
  let argv: string[] = [];
  for (const line of unit.split('\n')) {
    const m = /^(Environment|ExecStart)=(.*)$/.exec(line);
    if (!m?.[2]) continue;
    if (m[1] === 'ExecStart') argv = m[2].split(' ');
    else {
      const eq = m[2].indexOf('=');
      env[m[2].slice(0, eq)] = m[2].slice(eq + 1);
    }
  }
  return { env, argv };
}
