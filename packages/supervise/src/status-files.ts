// Writes supervise/status (18 bytes, daemontools 0.76) and supervise/status.json (fortress's
// extra record) atomically: each to a `.new` file, then renamed over the old one.
import { EXTRA_STATUS_FILE, type ExtraStatus } from '@fortress/core/extra-status';
import { encodeStatus, type StatusRecord } from '@fortress/core/status-record';

const { renameSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

export type WarnFn = (text: string, err: unknown) => void;

/** Writes both files; failures are reported through `warn` (0.76 only warns too) and never thrown. */
export function writeStatusFiles(
  dir: string,
  record: StatusRecord,
  extra: ExtraStatus,
  warn: WarnFn,
  dirName = dir,
): void {
  const sup = join(dir, 'supervise');
  writeAtomically(dirName, sup, 'status', encodeStatus(record), warn);
  writeAtomically(dirName, sup, EXTRA_STATUS_FILE, `${JSON.stringify(extra)}\n`, warn);
}

function writeAtomically(dirName: string, sup: string, name: string, data: Uint8Array | string, warn: WarnFn): void {
  const tmp = join(sup, `${name}.new`);
  try {
    writeFileSync(tmp, data, { mode: 0o644 });
  } catch (err) {
    warn(`unable to write ${dirName}/supervise/${name}.new`, err);
    return;
  }
  try {
    renameSync(tmp, join(sup, name));
  } catch (err) {
    warn(`unable to rename ${dirName}/supervise/${name}.new to ${name}`, err);
  }
}
