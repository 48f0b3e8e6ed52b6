// svstat DIR ...: one line per DIR, daemontools 0.76's text; `svstat --json DIR ...`: one JSON
// object per line instead (its modules are loaded only then, to keep the plain start-up small).
import { program } from '@fortress/core/program';
import { byteArgs, bytesOf } from '../byte-strings.js';
import { ServiceInspector } from '../inspect-service.js';
import { writeAll } from '../service-files.js';
import { statusFields, statusText, unixNow } from '../status-text.js';

export const main = program('svstat', '[--json] dir ...', async (argv) => {
  const json = argv[0] === '--json';
  const dirs = byteArgs(json ? argv.slice(1) : argv);
  const inspector = new ServiceInspector();
  const toJson = json ? (await import('../status-json.js')).serviceJson : undefined;
  let out = '';
  for (const dir of dirs) {
    const inspection = inspector.inspect(dir);
    if (toJson) {
      out += `${JSON.stringify(toJson(dir, inspection, unixNow()))}\n`;
    } else if (inspection.kind === 'error') {
      out += `${dir}: ${inspection.text}\n`;
    } else {
      out += `${dir}: ${statusText(statusFields(inspection.status, unixNow()), inspection.normallyUp)}\n`;
    }
  }
  try {
    // Text lines are byte strings; JSON is Unicode text, written as UTF-8.
    writeAll(1, toJson ? Buffer.from(out) : bytesOf(out));
  } catch {
    // stdout closed: 0.76 dies of SIGPIPE; there is nobody to tell.
  }
  return 0; // always, as 0.76
});
