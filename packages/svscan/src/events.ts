// svscan's own events: daemontools-style lines on stderr (`svscan: info: ...`,
// `svscan: warning: ...`), or JSON lines through pino when asked (ARCHITECTURE.md, "Own logs").
// pino is imported only in JSON mode, with a synchronous destination on fd 2.
import { errorText, writeStderr } from '@fortress/core/errors';

export type EventName =
  | 'started'
  | 'added'
  | 'removed'
  | 'forgotten'
  | 'log-added'
  | 'supervise-started'
  | 'supervise-exited'
  | 'adopted'
  | 'stopping'
  | 'stopped'
  | 'warning';

export interface EventFields {
  name?: string;
  log?: boolean;
  pid?: number;
  code?: number | null;
  signal?: string | null;
  error?: unknown;
  [key: string]: unknown;
}

export interface Events {
  info(event: EventName, text: string, fields?: EventFields): void;
  warn(text: string, fields?: EventFields): void;
}

/** Text lines: `svscan: info: TEXT`, `svscan: warning: TEXT: ERR`. */
export function textEvents(prog = 'svscan', quiet = false): Events {
  return {
    info(_event, text) {
      if (!quiet) writeStderr(`${prog}: info: ${text}`);
    },
    warn(text, fields) {
      const err = fields?.error;
      writeStderr(`${prog}: warning: ${text}${err === undefined ? '' : `: ${errorText(err)}`}`);
    },
  };
}

/** JSON lines through pino on fd 2, synchronously. */
export async function jsonEvents(prog = 'svscan'): Promise<Events> {
  const { pino } = await import('pino');
  const logger = pino({ name: prog, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
  const plain = (fields: EventFields | undefined): Record<string, unknown> => {
    if (!fields) return {};
    const { error, ...rest } = fields;
    return error === undefined ? rest : { ...rest, error: errorText(error) };
  };
  return {
    info(event, text, fields) {
      logger.info({ event, ...plain(fields) }, text);
    },
    warn(text, fields) {
      logger.warn({ event: 'warning', ...plain(fields) }, text);
    },
  };
}
