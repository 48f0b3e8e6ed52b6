// As a supervise process does (supervise-dir.ts): one memory-reducing collection once start-up
// is over, then at most once a minute, and only when some ./run was started since the last one
// (each start leaves garbage V8 keeps committed). Without it init's private memory sat anywhere
// between 19 and 25 MiB with one service, depending on when V8 last collected.
import { settleMemory } from '@fortress/supervise/settle-memory';
import type { Supervisor } from '@fortress/supervise/supervisor';

const SETTLE_AFTER_MS = 1000;
const SETTLE_EVERY_MS = 60_000;

export interface MemorySettler {
  /** Counts the supervisor's starts of ./run. */
  watch(supervisor: Supervisor): void;
  stop(): void;
}

export function startMemorySettler(): MemorySettler {
  let startedSince = false;
  const first = setTimeout(settleMemory, SETTLE_AFTER_MS).unref();
  const every = setInterval(() => {
    if (!startedSince) return;
    startedSince = false;
    settleMemory();
  }, SETTLE_EVERY_MS).unref();
  return {
    watch(supervisor) {
      supervisor.on('start', () => {
        startedSince = true;
      });
    },
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
