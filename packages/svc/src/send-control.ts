// One svc target: open DIR/supervise/control, write every command byte in one write, close.
import { errorText } from '@fortress/core/error-text';
import { checkChdir, isNoReader, openWriteNonBlocking, servicePath } from '@fortress/core/service-dir';
import { bytesOf } from './byte-strings.js';
import { writeAll } from './service-files.js';

const { closeSync } = process.getBuiltinModule('node:fs');

/** What went wrong for one directory, as svc's warning text (undefined: the bytes were sent). */
export function sendControl(dir: string, commands: string): string | undefined {
  try {
    checkChdir(bytesOf(dir));
  } catch (err) {
    return `unable to chdir to ${dir}: ${errorText(err)}`;
  }
  let fd: number;
  try {
    fd = openWriteNonBlocking(servicePath(bytesOf(dir), 'supervise/control'));
  } catch (err) {
    return `unable to control ${dir}: ${isNoReader(err) ? 'supervise not running' : errorText(err)}`;
  }
  try {
    writeAll(fd, Buffer.from(commands, 'latin1'));
  } catch (err) {
    return `error writing commands to ${dir}: ${errorText(err)}`;
  } finally {
    closeSync(fd);
  }
  return undefined;
}
