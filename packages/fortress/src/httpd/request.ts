// The publicfile idea, small: a request line and headers in, one static file out. GET and HEAD only;
// the path may not leave the document root (no `..`, no dot-files, symlinks resolved and checked);
// only regular, world-readable files are served.
import { realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';

export interface Resolved {
  status: number;
  reason: string;
  file?: string;
  size?: number;
  type?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
};

export interface RequestLine {
  method: string;
  target: string;
  version: string;
}

export function parseRequestLine(line: string): RequestLine | undefined {
  const m = /^([A-Z]+) (\S+) (HTTP\/1\.[01])$/.exec(line);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { method: m[1], target: m[2], version: m[3] };
}

/** Maps a request target to a file under root, or to the error to answer. */
export function resolveTarget(root: string, target: string): Resolved {
  const pathPart = target.split('?')[0] ?? '';
  if (!pathPart.startsWith('/')) return { status: 400, reason: 'Bad Request' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return { status: 400, reason: 'Bad Request' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 400, reason: 'Bad Request' };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return { status: 404, reason: 'Not Found' };
  let realRoot: string;
  let file: string;
  try {
    realRoot = realpathSync(root);
    file = realpathSync(join(realRoot, ...segments));
  } catch {
    return { status: 404, reason: 'Not Found' };
  }
  if (file !== realRoot && !file.startsWith(realRoot + sep)) return { status: 404, reason: 'Not Found' };
  let stat = statSync(file);
  if (stat.isDirectory()) {
    if (!pathPart.endsWith('/')) return { status: 301, reason: 'Moved Permanently', file: `${pathPart}/` };
    file = join(file, 'index.html');
    try {
      stat = statSync(file);
    } catch {
      return { status: 404, reason: 'Not Found' };
    }
  }
  if (!stat.isFile() || (stat.mode & 0o004) === 0) return { status: 404, reason: 'Not Found' };
  return {
    status: 200,
    reason: 'OK',
    file,
    size: stat.size,
    type: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
  };
}
