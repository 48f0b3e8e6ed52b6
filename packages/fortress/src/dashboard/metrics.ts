// /metrics: Prometheus text exposition format 0.0.4, one family per fact the page shows.

import { KNOWN_STATES } from './render.js';
import type { ServiceView } from './service-source.js';

export const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  samples: string[];
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export interface MetricInput {
  view: ServiceView;
  logBytes: number | undefined;
}

export function renderMetrics(services: readonly MetricInput[]): string {
  const family = (name: string, type: Family['type'], help: string): Family => ({ name, type, help, samples: [] });
  const up = family('fortress_service_up', 'gauge', 'Whether the service runs (1) or not (0).');
  const state = family('fortress_service_state', 'gauge', 'The state svstat --json reports: 1 for the current one.');
  const starts = family('fortress_service_starts_total', 'counter', 'Starts of ./run since its supervise began.');
  const restarts = family('fortress_service_restarts_total', 'counter', 'Starts of ./run beyond the first.');
  const uptime = family('fortress_service_uptime_seconds', 'gauge', 'Seconds since ./run started; 0 when down.');
  const ready = family('fortress_service_ready', 'gauge', 'Whether the service said it is ready (when known).');
  const memory = family('fortress_service_memory_bytes', 'gauge', 'Private bytes (USS) of the service process group.');
  const logBytes = family(
    'fortress_service_log_bytes_written_total',
    'counter',
    'Bytes appended to the service log since the dashboard started.',
  );
  for (const { view, logBytes: written } of services) {
    const j = view.json;
    const s = `service="${label(view.name)}"`;
    const running = j.state === 'up' || (j.state as string) === 'ready';
    up.samples.push(`${up.name}{${s}} ${running ? 1 : 0}`);
    const states = KNOWN_STATES.includes(j.state) ? KNOWN_STATES : [...KNOWN_STATES, j.state];
    for (const name of states)
      state.samples.push(`${state.name}{${s},state="${label(name)}"} ${name === j.state ? 1 : 0}`);
    if (j.starts !== null) starts.samples.push(`${starts.name}{${s}} ${j.starts}`);
    if (j.restarts !== null) restarts.samples.push(`${restarts.name}{${s}} ${j.restarts}`);
    if (j.seconds !== null) uptime.samples.push(`${uptime.name}{${s}} ${running ? j.seconds : 0}`);
    const readiness = (j as { ready?: unknown }).ready;
    if (typeof readiness === 'boolean') ready.samples.push(`${ready.name}{${s}} ${readiness ? 1 : 0}`);
    if (view.memory !== null) memory.samples.push(`${memory.name}{${s}} ${view.memory}`);
    if (written !== undefined) logBytes.samples.push(`${logBytes.name}{${s}} ${written}`);
  }
  let out = '';
  for (const f of [up, state, starts, restarts, uptime, ready, memory, logBytes]) {
    if (f.samples.length === 0) continue;
    out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n${f.samples.join('\n')}\n`;
  }
  return out;
}
