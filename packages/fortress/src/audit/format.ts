// The audit as a table for people.
import type { AuditedSocket, AuditReport } from './report.js';

/** Pads columns to the widest cell; the last column is left ragged. */
export function formatTable(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function endpoint(s: AuditedSocket): string {
  return s.family === 6 ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}

function note(s: AuditedSocket): string {
  const parts: string[] = [];
  if (s.failing) parts.push('LISTENS ON EVERY ADDRESS');
  if (s.allowed) parts.push('wildcard allowed');
  if (s.suspect) parts.push(`suspect ${s.suspect.name}: ${s.suspect.advice}`);
  return parts.join('; ');
}

export function formatAudit(report: AuditReport): string {
  const rows = [['PROTO', 'LOCAL ADDRESS', 'VERDICT', 'PID', 'PROGRAM', 'USER', 'SERVICE', 'NOTE']];
  for (const s of report.sockets) {
    const p = s.processes[0];
    rows.push([
      s.proto + (s.family === 6 ? '6' : ''),
      endpoint(s),
      s.verdict,
      p ? String(p.pid) + (s.processes.length > 1 ? `+${s.processes.length - 1}` : '') : '-',
      p?.name ?? '-',
      p?.user ?? s.user,
      p?.service ?? '-',
      note(s),
    ]);
  }
  const lines = [formatTable(rows), ''];
  for (const c of report.sysctls)
    lines.push(`${(c.ok ? 'ok' : 'WARNING').padEnd(7)}  ${c.name} = ${c.value}: ${c.advice}`);
  const { sockets, wildcard, failing, suspects, sysctlWarnings } = report.summary;
  lines.push(
    `${sockets} listening sockets, ${wildcard} on a wildcard address (${failing} not allowed), ` +
      `${suspects} usual suspects, ${sysctlWarnings} kernel setting warnings`,
  );
  return `${lines.join('\n')}\n`;
}
