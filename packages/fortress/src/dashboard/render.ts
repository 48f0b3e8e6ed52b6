// HTML of one service's row: the cells the live updates replace one by one, escaped here.
import { formatBytes, formatDuration, waitingForText } from '../status/format.js';
import { historySvg } from './history.js';
import type { Tracked } from './model.js';

export interface Cells {
  state: string;
  pid: string;
  uptime: string;
  restarts: string;
  lastExit: string;
  memory: string;
  history: string;
  logger: string;
}

export const COLUMNS: readonly { key: keyof Cells; title: string }[] = [
  { key: 'state', title: 'State' },
  { key: 'pid', title: 'PID' },
  { key: 'uptime', title: 'For' },
  { key: 'restarts', title: 'Restarts' },
  { key: 'lastExit', title: 'Last exit' },
  { key: 'memory', title: 'Memory' },
  { key: 'history', title: 'Runs' },
  { key: 'logger', title: 'Logger' },
];

/** States with their own style; any other state string is shown plainly. */
export const KNOWN_STATES = ['up', 'ready', 'down', 'waiting', 'backoff', 'failed', 'unsupervised', 'unknown'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function stateCell(t: Tracked): string {
  const j = t.view.json;
  if (!KNOWN_STATES.includes(j.state) && j.error === null) return `<span class="state">${escapeHtml(j.state)}</span>`;
  // ./run held back by needs/: for whom, and which of them failed for good.
  if (j.state === 'down' && j.supervision === 'waiting') {
    return `<span class="state state-waiting">waiting</span> <span class="note">for ${escapeHtml(waitingForText(j))}</span>`;
  }
  const notes: string[] = [];
  if (j.state === 'up' && j.normally === 'down') notes.push('normally down');
  if (j.state === 'down' && j.normally === 'up') notes.push('normally up');
  if (j.paused) notes.push('paused');
  if (j.state === 'up' && j.want === 'down') notes.push('want down');
  if (j.state === 'down' && j.want === 'up') notes.push('want up');
  if (j.error) notes.push(j.error);
  const cls = KNOWN_STATES.includes(j.state) ? `state state-${j.state}` : 'state';
  const note = notes.length > 0 ? ` <span class="note">${escapeHtml(notes.join(', '))}</span>` : '';
  return `<span class="${cls}">${escapeHtml(j.state)}</span>${note}`;
}

export function renderCells(t: Tracked, _control: boolean): Cells {
  const j = t.view.json;
  const exit = j.lastExit;
  return {
    state: stateCell(t),
    pid: j.state === 'up' && j.pid ? String(j.pid) : '–',
    // The script counts on from data-since; without it the page shows the seconds it was served with.
    uptime:
      j.since === null || j.seconds === null
        ? '–'
        : `<time data-since="${j.since}">${formatDuration(j.seconds)}</time>`,
    restarts: j.restarts === null ? '–' : String(j.restarts),
    lastExit: exit
      ? `<time datetime="${new Date(exit.at).toISOString()}" title="${escapeHtml(new Date(exit.at).toString())}">${
          exit.signal ? escapeHtml(exit.signal) : `exit ${exit.code}`
        }</time>`
      : '–',
    memory: t.view.memory === null ? '–' : formatBytes(t.view.memory),
    history: historySvg(t.history.runs, Date.now()),
    logger: t.logger ? stateCell(t.logger) : '–',
  };
}

/** Whether a cell needs sending again: the uptime text runs on by itself, only its start matters. */
export function sameCell(key: keyof Cells, a: string | undefined, b: string): boolean {
  if (key === 'uptime') return a?.split('>')[0] === b.split('>')[0];
  return a === b;
}
