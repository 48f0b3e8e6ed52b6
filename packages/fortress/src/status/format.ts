// fortress status as a table: one row per service, the reason it fails (if any) in the last column.
import { formatTable } from '../audit/format.js';
import type { ServiceStatus } from './service-status.js';

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)}K`;
  return `${(bytes / 1024 / 1024).toFixed(1)}M`;
}

/** `SIGTERM`, `exit 2`, or `unknown` when supervise adopted ./run and could not see how it ended. */
export function lastExitText(s: ServiceStatus): string {
  const last = s.lastExit;
  if (!last) return '-';
  if (last.signal !== null) return last.signal;
  if (last.code !== null) return `exit ${last.code}`;
  return 'unknown';
}

/** `cache, db (failed)`: the needs/ a service waits for, those that failed for good marked. */
export function waitingForText(s: Pick<ServiceStatus, 'waitingFor' | 'failedNeeds'>): string {
  const failed = new Set(s.failedNeeds ?? []);
  return (s.waitingFor ?? []).map((name) => (failed.has(name) ? `${name} (failed)` : name)).join(', ');
}

function state(s: ServiceStatus): string {
  if (s.state !== 'up' && s.state !== 'down') return s.state;
  if (s.state === 'down' && s.supervision === 'waiting') return `waiting (for ${waitingForText(s)})`;
  if (s.state === 'down' && s.supervision === 'done') return 'done';
  const notes: string[] = [];
  if (s.state === 'up' && s.normally === 'down') notes.push('normally down');
  if (s.state === 'down' && s.normally === 'up') notes.push('normally up');
  if (s.paused) notes.push('paused');
  if (s.state === 'up' && s.want === 'down') notes.push('want down');
  if (s.state === 'down' && s.want === 'up') notes.push('want up');
  return notes.length ? `${s.state} (${notes.join(', ')})` : s.state;
}

/** Why the service is not as it should be: the state's error, the last failed start (while down),
 * a status.json that could not be used. Empty when nothing is wrong. */
export function problemText(s: ServiceStatus, nowMs = Date.now()): string {
  const problems: string[] = [];
  if (s.state === 'unknown' && s.error) problems.push(s.error);
  if (s.state === 'down' && s.startError) {
    problems.push(
      `${s.startError.text} (${formatDuration(Math.max(0, Math.floor((nowMs - s.startError.at) / 1000)))} ago)`,
    );
  }
  if (s.failedNeeds?.length) problems.push(`needs ${s.failedNeeds.join(', ')}, which failed`);
  if (s.statusJsonError) problems.push(s.statusJsonError);
  return problems.join('; ');
}

/** Control characters (a newline in a directory name or an error text) would break the table. */
function printable(cell: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return cell.replace(/[\x00-\x1f\x7f]/g, '?');
}

export function formatStatus(services: readonly ServiceStatus[], nowMs = Date.now()): string {
  const rows = [['SERVICE', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'LAST EXIT', 'MEMORY (USS)', 'PROBLEM']];
  for (const s of services) {
    rows.push(
      [
        s.name,
        state(s),
        s.pid === null || s.pid === 0 ? '-' : String(s.pid),
        s.seconds === null ? '-' : formatDuration(s.seconds),
        s.restarts === null ? '-' : String(s.restarts),
        lastExitText(s),
        s.memory === null ? '-' : formatBytes(s.memory),
        problemText(s, nowMs),
      ].map(printable),
    );
  }
  return `${formatTable(rows)}\n`;
}
