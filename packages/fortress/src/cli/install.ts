// fortress install [--prefix DIR] [--dry-run] [--init systemd|inittab|none] [--scan-dir DIR] ...
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fatal, usage, writeStderr } from '@fortress/core/errors';
import { parseArgs } from '../args.js';
import { DEFAULT_SCAN_DIR } from '../install/boot-files.js';
import { applyInstall, type InitSystem, type InstallPlan, planInstall } from '../install/installer.js';
import { nodeBinary, suitePrograms } from '../install/locate.js';

export const SYNOPSIS =
  'install [--prefix DIR] [--dry-run] [--init systemd|inittab|none] [--scan-dir DIR] [--unit-dir DIR] [--inittab FILE]';

// They end up in a unit file and an inittab line unquoted: systemd's specifiers (%) and spaces are out.
const PLAIN_PATH = /^\/[A-Za-z0-9._/+-]*$/;

function defaultInit(): InitSystem {
  if (existsSync('/run/systemd/system')) return 'systemd';
  return existsSync('/etc/inittab') ? 'inittab' : 'none';
}

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, ['prefix', 'init', 'scan-dir', 'unit-dir', 'inittab'], ['dry-run']);
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  if (args.operands.length > 0) return usage('fortress', SYNOPSIS);
  const init = args.options.get('init') ?? defaultInit();
  if (init !== 'systemd' && init !== 'inittab' && init !== 'none')
    return usage('fortress', `${SYNOPSIS} (--init: expected systemd, inittab or none, got ${init})`);
  const paths = {
    prefix: args.options.get('prefix') ?? '/usr/local',
    scanDir: args.options.get('scan-dir') ?? DEFAULT_SCAN_DIR,
    unitDir: args.options.get('unit-dir') ?? '/etc/systemd/system',
    inittab: args.options.get('inittab') ?? '/etc/inittab',
  };
  for (const [name, path] of Object.entries(paths)) {
    if (!PLAIN_PATH.test(path))
      return usage(
        'fortress',
        `${SYNOPSIS} (${name}: expected an absolute path of letters, digits and ._/+-, got ${path})`,
      );
  }
  let plan: InstallPlan;
  try {
    plan = planInstall({ ...paths, init, node: nodeBinary(), programs: suitePrograms() });
  } catch (err) {
    return fatal('fortress', 'unable to plan the install', err);
  }
  if (plan.conflicts.length > 0) {
    for (const conflict of plan.conflicts) writeStderr(`fortress: ${conflict}`);
    return fatal(
      'fortress',
      'refusing to install over files fortress install did not write: nothing changed',
      undefined,
      100,
    );
  }
  const dry = args.flags.has('dry-run');
  if (!dry) {
    try {
      applyInstall(plan);
    } catch (err) {
      return fatal('fortress', `unable to install in ${paths.prefix}`, err);
    }
  }
  process.stdout.write(report(plan, dry, init, paths.prefix, env));
  return 0;
}

function report(plan: InstallPlan, dry: boolean, init: InitSystem, prefix: string, env: NodeJS.ProcessEnv): string {
  const verb = (done: string, would: string): string => (dry ? would : done);
  const out: string[] = [];
  for (const dir of plan.directories) out.push(`${verb('created', 'would create')} ${dir}`);
  for (const f of plan.files) out.push(`${verb('wrote', 'would write')} ${f.path} (${f.what})`);
  for (const l of plan.lines) out.push(`${verb('appended to', 'would append to')} ${l.path}: ${l.line}`);
  out.push(
    `${verb('wrote', 'would write')} ${join(prefix, 'share/fortress/installed.json')} (what fortress uninstall removes)`,
  );
  const bin = join(prefix, 'bin');
  const shadowed = plan.files
    .map((f) => f.path.slice(bin.length + 1))
    .filter(
      (name) =>
        !name.includes('/') && ['/usr/bin', '/usr/sbin', '/bin'].some((d) => isOther(join(d, name), join(bin, name))),
    );
  if (shadowed.length > 0)
    out.push(
      `note: ${shadowed.join(' ')} also exist in /usr/bin or /usr/sbin (Debian's daemontools, ucspi-tcp, dnscache): ` +
        `${bin} comes first on the usual PATH and in the boot file's, so these names now run fortress's programs; ` +
        "call Debian's by full path (/usr/bin/svc)",
    );
  if (!(env['PATH'] ?? '').split(':').includes(bin))
    out.push(`note: ${bin} is not on this shell's PATH: export PATH=${bin}:$PATH`);
  if (init === 'systemd') out.push('next: systemctl daemon-reload && systemctl enable --now svscan');
  if (init === 'inittab') out.push('next: telinit q (init reads /etc/inittab again and starts svscanboot)');
  return `${out.join('\n')}\n`;
}

/** Whether path is a program other than ours (a file that is not our launcher). */
function isOther(path: string, ours: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return realpathSync(path) !== realpathSync(ours);
  } catch {
    return true;
  }
}
