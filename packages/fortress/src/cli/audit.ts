// fortress audit [--json] [--allow PORT[/PROTO],...]
import { fatal, usage } from '@fortress/core/errors';
import { parseArgs } from '../args.js';
import { parseAllowList } from '../audit/allow-list.js';
import { formatAudit } from '../audit/format.js';
import { auditSockets } from '../audit/report.js';

export const SYNOPSIS = 'audit [--json] [--allow PORT[/tcp|/udp],...]';

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
  let json: boolean;
  let allowText: string;
  try {
    const args = parseArgs(argv, ['allow'], ['json']);
    if (args.operands.length > 0) return usage('fortress', SYNOPSIS);
    json = args.flags.has('json');
    allowText = args.lists.get('allow')?.join(',') ?? env['FORTRESS_AUDIT_ALLOW'] ?? '';
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  let allow: ReturnType<typeof parseAllowList>;
  try {
    allow = parseAllowList(allowText);
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  let report: ReturnType<typeof auditSockets>;
  try {
    report = auditSockets({ allow });
  } catch (err) {
    return fatal('fortress', 'unable to read /proc/net', err);
  }
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatAudit(report));
  return report.summary.failing > 0 ? 1 : 0;
}
