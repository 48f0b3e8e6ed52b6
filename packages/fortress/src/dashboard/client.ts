// The page's one small script and its style, served inline (their hashes go into the
// Content-Security-Policy). The script only enhances: without it the page is a snapshot.

export const STYLE = `
:root{color-scheme:light dark;--fg:#1d1f21;--bg:#fff;--muted:#5b6169;--line:#d9dce0;--zebra:#f5f6f8;
--up:#1a7f37;--down:#57606a;--warn:#9a6700;--bad:#cf222e;--wait:#0550ae}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#16181b;--muted:#9aa1a9;--line:#30343a;--zebra:#1d2024;
--up:#4ac26b;--down:#8b949e;--warn:#d4a72c;--bad:#ff7b72;--wait:#6cb6ff}}
body{font:14px/1.4 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:1.2rem 1.5rem}
h1{font-size:1.25rem;margin:0 0 .2rem}
header p{margin:.1rem 0;color:var(--muted)}
table{border-collapse:collapse;width:100%;margin-top:.8rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{padding:.3rem .55rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
thead th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
tbody tr:nth-child(even){background:var(--zebra)}
tbody th{font-weight:600;font-family:ui-monospace,monospace}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.state{font-weight:600;padding:0 .4rem;border-radius:.6rem;border:1px solid currentColor}
.state-up,.state-ready{color:var(--up)}.state-down{color:var(--down)}
.state-unsupervised,.state-backoff{color:var(--warn)}.state-unknown,.state-failed{color:var(--bad)}
.state-waiting{color:var(--wait)}
.note{color:var(--muted);font-size:.85rem}
.history .h-axis{stroke:var(--line)}.history .h-run{fill:var(--up)}.history .h-done{fill:var(--down)}.history .h-fail{fill:var(--bad)}
td.log{white-space:normal;max-width:34rem}
td.log summary{cursor:pointer;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-family:ui-monospace,monospace;font-size:.8rem;color:var(--muted)}
td.log pre{margin:.3rem 0 0;font-size:.78rem;white-space:pre-wrap;word-break:break-all}
button{font:inherit;font-size:.8rem;padding:.05rem .45rem;margin-right:.2rem}
#live{font-weight:600}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;

export const SCRIPT = `
(() => {
  const rows = new Map();
  const index = () => {
    rows.clear();
    for (const tr of document.querySelectorAll('tr[data-name]')) rows.set(tr.dataset.name, tr);
    const count = document.getElementById('count');
    if (count) count.textContent = String(rows.size);
  };
  index();
  const say = (text) => { const el = document.getElementById('announce'); if (el) el.textContent = text; };
  const fmt = (s) => s < 60 ? s + 's' : s < 3600 ? Math.floor(s / 60) + 'm' + (s % 60) + 's'
    : s < 86400 ? Math.floor(s / 3600) + 'h' + Math.floor((s % 3600) / 60) + 'm'
    : Math.floor(s / 86400) + 'd' + Math.floor((s % 86400) / 3600) + 'h';
  setInterval(() => {
    const now = Date.now();
    for (const t of document.querySelectorAll('time[data-since]'))
      t.textContent = fmt(Math.max(0, Math.floor((now - Number(t.dataset.since)) / 1000)));
  }, 1000);
  const live = document.getElementById('live');
  const events = new EventSource('events');
  events.onopen = () => { live.textContent = 'live'; };
  events.onerror = () => { live.textContent = 'reconnecting…'; };
  events.addEventListener('change', (e) => {
    const { name, cells, snapshot } = JSON.parse(e.data);
    const tr = rows.get(name);
    if (!tr) return;
    for (const [key, html] of Object.entries(cells)) {
      const td = tr.querySelector('[data-col="' + key + '"]');
      if (td) td.innerHTML = html;
    }
    if (cells.state && !snapshot) say(name + ': ' + tr.querySelector('[data-col=state]').textContent);
  });
  events.addEventListener('log', (e) => {
    const { name, lines, replace } = JSON.parse(e.data);
    const tr = rows.get(name);
    const pre = tr && tr.querySelector('td.log pre');
    if (!pre) return;
    const kept = replace || !pre.textContent ? [] : pre.textContent.split('\\n');
    pre.textContent = kept.concat(lines).slice(-${10}).join('\\n');
    const last = tr.querySelector('td.log .last-line');
    if (last) last.textContent = lines.length ? lines[lines.length - 1] : last.textContent;
  });
  events.addEventListener('add', (e) => {
    const { name, html, after } = JSON.parse(e.data);
    const body = document.querySelector('tbody');
    const holder = document.createElement('tbody');
    holder.innerHTML = html;
    const tr = holder.firstElementChild;
    const prev = after === null ? null : rows.get(after);
    if (prev) prev.after(tr); else body.prepend(tr);
    index();
    say(name + ' added');
  });
  events.addEventListener('remove', (e) => {
    const { name } = JSON.parse(e.data);
    rows.get(name)?.remove();
    index();
    say(name + ' removed');
  });
  const token = document.getElementById('token');
  if (!token) return;
  document.getElementById('controls').hidden = false;
  token.value = sessionStorage.getItem('fortress-token') || '';
  token.addEventListener('change', () => sessionStorage.setItem('fortress-token', token.value));
  document.querySelector('tbody').addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-command]');
    if (!button) return;
    const name = button.closest('tr').dataset.name;
    const command = button.dataset.command;
    const result = document.getElementById('control-result');
    try {
      const response = await fetch('control', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Fortress-Token': token.value },
        body: JSON.stringify({ service: name, command }),
      });
      result.textContent = name + ' ' + command + ': ' + (response.ok ? 'sent' : (await response.text()).trim());
    } catch (err) {
      result.textContent = name + ' ' + command + ': ' + err;
    }
  });
  for (const cell of document.querySelectorAll('td.control')) cell.hidden = false;
  for (const head of document.querySelectorAll('th.control')) head.hidden = false;
})();
`;
