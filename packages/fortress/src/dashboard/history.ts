// A service's restart history, kept in memory while the dashboard runs: each start and exit that
// supervise/status.json reports (lastStart, lastExit) is recorded, and the page draws the last
// runs as a small SVG bar chart: one bar per run, its height the run's length on a log scale,
// so a crash loop shows as a row of short red bars.
import type { ServiceJson } from './service-source.js';

export interface Run {
  start: number;
  /** Unix ms of its exit; undefined while it runs. */
  end?: number;
  /** `exit 1` or `SIGTERM`. */
  cause?: string;
  /** Ended by something other than exit 0 or the TERM that svc -d and svc -t send. */
  failed?: boolean;
}

const KEPT = 24;

export class RestartHistory {
  readonly runs: Run[] = [];
  private lastExitAt: number | undefined;

  /** Records what changed in the status since the last call; true when something did. */
  observe(json: ServiceJson): boolean {
    let changed = false;
    const exit = json.lastExit;
    if (exit && exit.at !== this.lastExitAt) {
      this.lastExitAt = exit.at;
      const run = this.runs.findLast((r) => r.start <= exit.at && r.end === undefined);
      if (run) {
        run.end = exit.at;
        run.cause = exit.signal ?? `exit ${exit.code}`;
        run.failed = exit.signal ? exit.signal !== 'SIGTERM' : exit.code !== 0;
        changed = true;
      }
    }
    if (json.lastStart !== null && json.lastStart !== this.runs.at(-1)?.start) {
      this.runs.push({ start: json.lastStart });
      this.runs.splice(0, Math.max(0, this.runs.length - KEPT));
      changed = true;
    }
    return changed;
  }
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

/** The last runs as a 120×18 chart; bar height grows with the log of the run's length (1 s to 1 day). */
export function historySvg(runs: readonly Run[], now: number): string {
  const width = 120;
  const height = 18;
  const bar = width / KEPT;
  const ended = runs.filter((r) => r.end !== undefined);
  const failed = ended.filter((r) => r.failed).length;
  const label = `${runs.length} run${runs.length === 1 ? '' : 's'} seen, ${failed} ended in failure`;
  const marks = runs.map((r, i) => {
    const length = (r.end ?? now) - r.start;
    const h = Math.max(
      2,
      Math.round((Math.log10(Math.max(1000, length) / 1000) / Math.log10(86400)) * (height - 2)) + 2,
    );
    const x = (width - (runs.length - i) * bar).toFixed(1);
    const cls = r.end === undefined ? 'h-run' : r.failed ? 'h-fail' : 'h-done';
    const title = `started ${new Date(r.start).toLocaleTimeString('en-GB')}, ${
      r.end === undefined ? 'running' : `ran ${seconds(length)}, ${r.cause}`
    }`;
    return `<rect class="${cls}" x="${x}" y="${height - h}" width="${(bar - 1).toFixed(1)}" height="${h}"><title>${escapeXml(title)}</title></rect>`;
  });
  return (
    `<svg class="history" role="img" aria-label="${label}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<line class="h-axis" x1="0" y1="${height - 0.5}" x2="${width}" y2="${height - 0.5}"/>${marks.join('')}</svg>`
  );
}
