// svstat's output for a list of directories: 0.76's text lines, or one JSON object per line.
import { inspectService } from '@fortress/core/service-inspect';
import { bytesOf, fromByteString } from './byte-strings.js';
import { StatusLines, unixNow } from './status-text.js';

/** DIRS are byte strings (byte-strings.ts). The text is a byte string; JSON is Unicode text. */
export async function svstatOutput(dirs: readonly string[], json: boolean): Promise<string> {
  const toJson = json ? (await import('./status-json.js')).serviceJson : undefined;
  const lines = new StatusLines();
  let out = '';
  for (const dir of dirs) {
    // The text reads status.json too, for fortress's suffixes (`, ready N seconds`, `, failed`).
    const inspection = inspectService(bytesOf(dir));
    if (toJson) out += `${JSON.stringify(toJson(fromByteString(dir), inspection))}\n`;
    else out += `${dir}: ${lines.line(inspection, unixNow())}\n`;
  }
  return out;
}
