// The page, rendered on the server: a table of every service, readable without the script.

import { SCRIPT, STYLE } from './client.js';
import type { Tracked } from './model.js';
import { type Cells, COLUMNS, escapeHtml, renderCells } from './render.js';

const { createHash } = process.getBuiltinModule('node:crypto');

const NUMERIC = new Set<keyof Cells>(['pid', 'uptime', 'restarts', 'memory']);
export const CONTROL_COMMANDS = ['up', 'down', 'restart', 'once'] as const;

/** The Content-Security-Policy allowing exactly the inline script and style. */
export function contentSecurityPolicy(): string {
  const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  return (
    `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; ` +
    `img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`
  );
}

export function renderRow(t: Tracked, control: boolean): string {
  const cells = renderCells(t, control);
  const name = escapeHtml(t.entry.name);
  const tds = COLUMNS.map(
    ({ key }) => `<td data-col="${key}"${NUMERIC.has(key) ? ' class="num"' : ''}>${cells[key]}</td>`,
  ).join('');
  const lines = t.log?.lines ?? [];
  const last = lines.at(-1) ?? '';
  const log = t.log
    ? `<td class="log"><details><summary><span class="last-line">${escapeHtml(last)}</span></summary>` +
      `<pre>${escapeHtml(lines.join('\n'))}</pre></details></td>`
    : '<td class="log"></td>';
  const buttons = control
    ? `<td class="control" hidden>${CONTROL_COMMANDS.map(
        (c) => `<button type="button" data-command="${c}" aria-label="${c} ${name}">${c}</button>`,
      ).join('')}</td>`
    : '';
  return `<tr data-name="${name}"><th scope="row">${name}</th>${tds}${log}${buttons}</tr>`;
}

export function renderPage(scanDir: string, services: readonly Tracked[], control: boolean): string {
  const heads = COLUMNS.map(({ title }) => `<th scope="col">${title}</th>`).join('');
  const controlHead = control ? '<th scope="col" class="control" hidden>Control</th>' : '';
  const controls = control
    ? `<p id="controls" hidden><label>Control token <input id="token" type="password" autocomplete="off" size="24"></label> ` +
      `<span id="control-result" role="status" aria-live="polite"></span></p>`
    : '';
  const generated = new Date().toLocaleString('sv-SE'); // YYYY-MM-DD HH:MM:SS, local time
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fortress: ${escapeHtml(scanDir)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>fortress dashboard</h1>
<p>${escapeHtml(scanDir)} · served ${escapeHtml(generated)} · <span id="live">snapshot</span></p>
${controls}
</header>
<main>
<div id="announce" class="sr" role="status" aria-live="polite"></div>
<table>
<caption>Services under ${escapeHtml(scanDir)} (<span id="count">${services.length}</span>)</caption>
<thead><tr><th scope="col">Service</th>${heads}<th scope="col">Log</th>${controlHead}</tr></thead>
<tbody>
${services.map((t) => renderRow(t, control)).join('\n')}
</tbody>
</table>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
