// A service's restart history, kept in memory while the dashboard runs: each start and exit that
// supervise/status.json reports (lastStart, lastExit) becomes one event, and the page draws the
// last hour of them as a small SVG strip.
import type { ServiceJson } from './service-source.js';

export interface HistoryEvent {
  at: number;
  kind: 'start' | 'exit';
  /** For exits: `exit 1` or `SIGTERM`. */
  cause?: string;
}

const KEPT = 60;
export const WINDOW_MS = 3600_000;

export class RestartHistory {
  readonly events: HistoryEvent[] = [];

  /** Records what changed in the status since the last call. */
  observe(json: ServiceJson): boolean {
    let changed = false;
    if (json.lastStart !== null && json.lastStart !== this.last('start')?.at) {
      this.events.push({ at: json.lastStart, kind: 'start' });
      changed = true;
    }
    const exit = json.lastExit;
    if (exit && exit.at !== this.last('exit')?.at) {
      this.events.push({ at: exit.at, kind: 'exit', cause: exit.signal ?? `exit ${exit.code}` });
      changed = true;
    }
    if (changed) {
      this.events.sort((a, b) => a.at - b.at);
      this.events.splice(0, Math.max(0, this.events.length - KEPT));
    }
    return changed;
  }

  private last(kind: HistoryEvent['kind']): HistoryEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]?.kind === kind) return this.events[i];
    return undefined;
  }
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The last hour as a 120×18 strip: a tall mark per start, a short red one per exit. */
export function historySvg(events: readonly HistoryEvent[], now: number): string {
  const width = 120;
  const height = 18;
  const recent = events.filter((e) => e.at > now - WINDOW_MS && e.at <= now + 1000);
  const starts = recent.filter((e) => e.kind === 'start').length;
  const exits = recent.filter((e) => e.kind === 'exit').length;
  const label = `${starts} start${starts === 1 ? '' : 's'}, ${exits} exit${exits === 1 ? '' : 's'} in the last hour`;
  const marks = recent.map((e) => {
    const x = Math.min(width - 1, Math.max(0, Math.round(((e.at - (now - WINDOW_MS)) / WINDOW_MS) * (width - 2)) + 1));
    const title = `${new Date(e.at).toLocaleTimeString('en-GB')} ${e.kind === 'start' ? 'start' : e.cause}`;
    return e.kind === 'start'
      ? `<rect class="h-start" x="${x}" y="2" width="2" height="14"><title>${escapeXml(title)}</title></rect>`
      : `<rect class="h-exit" x="${x}" y="9" width="2" height="7"><title>${escapeXml(title)}</title></rect>`;
  });
  return (
    `<svg class="history" role="img" aria-label="${label}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<line class="h-axis" x1="0" y1="16.5" x2="${width}" y2="16.5"/>${marks.join('')}</svg>`
  );
}
