// fortress status as a table.
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

function lastExit(s: ServiceStatus): string {
  if (!s.lastExit) return '-';
  return s.lastExit.signal ? s.lastExit.signal : `exit ${s.lastExit.code}`;
}

function state(s: ServiceStatus): string {
  if (s.state === 'error') return `error: ${s.error}`;
  const notes: string[] = [];
  if (s.state === 'up' && !s.normallyUp) notes.push('normally down');
  if (s.state === 'down' && s.normallyUp) notes.push('normally up');
  if (s.paused) notes.push('paused');
  if (s.state === 'up' && s.want === 'down') notes.push('want down');
  if (s.state === 'down' && s.want === 'up') notes.push('want up');
  return notes.length ? `${s.state} (${notes.join(', ')})` : s.state;
}

export function formatStatus(services: readonly ServiceStatus[]): string {
  const rows = [['SERVICE', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'LAST EXIT', 'MEMORY']];
  for (const s of services) {
    rows.push([
      s.name,
      state(s),
      s.pid === null ? '-' : String(s.pid),
      s.seconds === null ? '-' : formatDuration(s.seconds),
      s.restarts === null ? '-' : String(s.restarts),
      lastExit(s),
      s.memory === null ? '-' : formatBytes(s.memory),
    ]);
  }
  return `${formatTable(rows)}\n`;
}
