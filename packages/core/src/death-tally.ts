// supervise/death_tally: when and how ./run died, the last `max-death-tally` times (default 100).
// s6's format, verified against Debian's s6 (s6-svdt and s6-permafailon read ours): records of
// 14 bytes, oldest first: 12 bytes TAI64N of the death, one byte the exit code (128 + the signal
// when a signal killed it, as a shell reports it), one byte the signal number (0 when it exited).
// Written to death_tally.new and renamed, like the status files.
import { readRegularFile } from './bounded-read.js';
import { formatTai64nLabel, packTai64n, unpackTai64n, type WallTime } from './tai64n.js';

const { renameSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { signals } = process.getBuiltinModule('node:os').constants;

export const DEATH_TALLY_FILE = 'death_tally';
export const DEATH_RECORD_SIZE = 14;
/** Deaths kept when the service directory has no `max-death-tally` file (s6's default). */
export const DEFAULT_MAX_DEATH_TALLY = 100;
/** The most a `max-death-tally` file may ask for (s6's limit). */
export const MAX_DEATH_TALLY = 4096;

export interface Death {
  at: WallTime;
  /** Exit code when ./run exited; null when a signal killed it. */
  code: number | null;
  /** Signal number when a signal killed it; null when it exited. */
  signal: number | null;
}

export function encodeDeath(death: Death): Buffer {
  const buf = Buffer.alloc(DEATH_RECORD_SIZE);
  packTai64n(death.at, buf, 0);
  buf[12] = death.signal === null ? (death.code ?? 0) & 0xff : (128 + death.signal) & 0xff;
  buf[13] = death.signal ?? 0;
  return buf;
}

/** Every whole record of BYTES, oldest first (a torn tail is ignored). */
export function decodeDeaths(bytes: Buffer): Death[] {
  const deaths: Death[] = [];
  for (let at = 0; at + DEATH_RECORD_SIZE <= bytes.length; at += DEATH_RECORD_SIZE) {
    const signal = bytes[at + 13]!;
    deaths.push({
      at: unpackTai64n(bytes, at),
      code: signal === 0 ? bytes[at + 12]! : null,
      signal: signal === 0 ? null : signal,
    });
  }
  return deaths;
}

const SIGNAL_NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(signals)) {
  if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name);
}

/** `SIGTERM` for 15; `SIG41` for a number without a name (real-time signals). */
export function signalName(signal: number): string {
  return SIGNAL_NAMES.get(signal) ?? `SIG${signal}`;
}

/** The number of a signal name, with or without `SIG`, any case (`term`, `SIGKILL`); undefined if none. */
export function signalNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  const full = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return (signals as Record<string, number>)[full];
}

/** svdt's line, s6-svdt's format: `@TAI64N exitcode N` or `@TAI64N signal NAME`. */
export function formatDeath(death: Death): string {
  const label = formatTai64nLabel(death.at);
  return death.signal === null ? `${label} exitcode ${death.code}` : `${label} signal ${signalName(death.signal)}`;
}

export type DeathTallyRead = { ok: true; deaths: Death[] } | { ok: false; step: 'open' | 'read'; code: string };

/** Reads SERVICEDIR/supervise/death_tally (a regular file, bounded to MAX_DEATH_TALLY records). */
export function readDeathTally(serviceDir: string): DeathTallyRead {
  const read = readRegularFile(
    `${serviceDir}/supervise/${DEATH_TALLY_FILE}`,
    MAX_DEATH_TALLY * DEATH_RECORD_SIZE,
    true,
  );
  if (!read.ok) return read;
  return { ok: true, deaths: decodeDeaths(read.bytes) };
}

/** The limit a `max-death-tally` file's text asks for: a decimal 0..4096, else the default. */
export function parseMaxDeathTally(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_DEATH_TALLY;
  const value = text.trim();
  if (!/^\d{1,9}$/.test(value)) return DEFAULT_MAX_DEATH_TALLY;
  return Math.min(Number(value), MAX_DEATH_TALLY);
}

/**
 * Appends DEATH to the tally in SUPERVISEDIR (the service's `supervise/`), keeping the last MAX;
 * throws the error of the write or rename.
 */
export function appendDeath(superviseDir: string, death: Death, max: number): void {
  const path = `${superviseDir}/${DEATH_TALLY_FILE}`;
  const read = readRegularFile(path, MAX_DEATH_TALLY * DEATH_RECORD_SIZE, true);
  const old = read.ok
    ? read.bytes.subarray(0, read.bytes.length - (read.bytes.length % DEATH_RECORD_SIZE))
    : Buffer.alloc(0);
  const all = Buffer.concat([old, encodeDeath(death)]);
  const keep = Math.max(0, max) * DEATH_RECORD_SIZE;
  const kept = all.subarray(Math.max(0, all.length - keep));
  writeFileSync(`${path}.new`, kept, { mode: 0o644 });
  renameSync(`${path}.new`, path);
}
