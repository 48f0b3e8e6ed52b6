// `fortress install`: launchers on PREFIX/bin for every program, a boot file (systemd unit or
// inittab line) and the record of what was written, planned first so that nothing is written
// when anything is in the way; `fortress uninstall` removes exactly what the record lists.
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { shellQuote } from '../conf/placeholders.js';
import { inittabLine, systemdUnit } from './boot-files.js';
import type { Program } from './locate.js';
import { type InstallRecord, isOurs, readRecord, recordPath, sha256 } from './record.js';

export type InitSystem = 'systemd' | 'inittab' | 'none';

export interface InstallOptions {
  prefix: string;
  init: InitSystem;
  scanDir: string;
  unitDir: string;
  inittab: string;
  node: string;
  programs: Program[];
}

export interface PlannedFile {
  path: string;
  content: string;
  mode: number;
  what: string;
}

export interface InstallPlan {
  prefix: string;
  node: string;
  files: PlannedFile[];
  lines: { path: string; line: string }[];
  /** Missing directories, outermost first. */
  directories: string[];
  /** Files in the way: written by someone else, or changed since. Nothing is written while any. */
  conflicts: string[];
}

export function launcher(node: string, program: Program): string {
  if (!program.node) {
    return `#!/bin/sh
# ${program.name}, written by \`fortress install\`: not a Node program, run as it is.
exec ${shellQuote(program.script)} "$@"
`;
  }
  return `#!/bin/sh
# ${program.name}, written by \`fortress install\`: the pinned Node by absolute path, whatever PATH is.
exec ${[node, ...program.nodeOptions, program.script].map(shellQuote).join(' ')} "$@"
`;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The ancestors of dir (and dir) that do not exist yet, outermost first. */
function missingDirectories(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !exists(d); d = dirname(d)) missing.unshift(d);
  return missing;
}

export function planInstall(options: InstallOptions): InstallPlan {
  const { prefix, node } = options;
  const bin = join(prefix, 'bin');
  const previous = readRecord(prefix);
  const files: PlannedFile[] = options.programs.map((p) => ({
    path: join(bin, p.name),
    content: launcher(node, p),
    mode: 0o755,
    what: `launcher: ${[node, ...p.nodeOptions, p.script].join(' ')}`,
  }));
  const boot = { bin, scanDir: options.scanDir };
  if (options.init === 'systemd') {
    const unit = systemdUnit(boot);
    const path = join(options.unitDir, 'svscan.service');
    files.push({
      path,
      content: unit,
      mode: 0o644,
      what: `systemd unit: ExecStart=${bin}/svscanboot -1 ${boot.scanDir}`,
    });
  }
  const lines: InstallPlan['lines'] = [];
  const conflicts: string[] = [];
  if (options.init === 'inittab') {
    const line = inittabLine(boot);
    const text = existsSync(options.inittab) ? readFileSync(options.inittab, 'utf8') : '';
    const ours = previous?.lines.some((l) => l.path === options.inittab && l.line === line);
    if (!text.split('\n').includes(line) || !ours) {
      if (/^SV:/m.test(text)) conflicts.push(`${options.inittab} already has an SV: entry`);
      else lines.push({ path: options.inittab, line });
    }
  }
  for (const file of files) {
    if (exists(file.path) && !isOurs(previous, file.path))
      conflicts.push(`${file.path} exists and is not what fortress install wrote`);
  }
  const directories = [
    ...new Set(
      [
        bin,
        dirname(recordPath(prefix)),
        // The boot file's svscanboot needs it; without one, the scan directory is the user's business.
        ...(options.init === 'none' ? [] : [options.scanDir]),
        ...files.map((f) => dirname(f.path)),
      ].flatMap(missingDirectories),
    ),
  ].sort();
  return { prefix, node, files, lines, directories, conflicts };
}

/** Carries a plan out (once it has no conflicts) and writes the record, merged with an earlier one. */
export function applyInstall(plan: InstallPlan): InstallRecord {
  const previous = readRecord(plan.prefix);
  for (const dir of plan.directories) mkdirSync(dir, { mode: 0o755 });
  for (const file of plan.files) {
    // Written beside and renamed over: a launcher being replaced is never seen half-written.
    const tmp = `${file.path}.fortress-install-${process.pid}`;
    writeFileSync(tmp, file.content, { mode: file.mode });
    chmodSync(tmp, file.mode);
    renameSync(tmp, file.path);
  }
  for (const { path, line } of plan.lines) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    appendFileSync(path, `${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`);
  }
  const paths = new Set(plan.files.map((f) => f.path));
  const record: InstallRecord = {
    node: plan.node,
    files: [
      ...(previous?.files.filter((f) => !paths.has(f.path)) ?? []),
      ...plan.files.map((f) => ({ path: f.path, sha256: sha256(f.content) })),
    ],
    lines: [...(previous?.lines ?? []), ...plan.lines],
    directories: [...new Set([...(previous?.directories ?? []), ...plan.directories])],
  };
  writeFileSync(recordPath(plan.prefix), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

export interface UninstallStep {
  action: 'remove' | 'keep' | 'remove-line' | 'rmdir';
  path: string;
  why?: string;
}

/** What uninstall would do: remove our unchanged files and lines, keep changed ones, then empty directories. */
export function planUninstall(record: InstallRecord, prefix: string): UninstallStep[] {
  const steps: UninstallStep[] = [];
  for (const file of record.files) {
    if (isOurs(record, file.path)) steps.push({ action: 'remove', path: file.path });
    else if (exists(file.path))
      steps.push({ action: 'keep', path: file.path, why: 'changed since fortress install wrote it' });
  }
  for (const { path, line } of record.lines) {
    if (existsSync(path) && readFileSync(path, 'utf8').split('\n').includes(line))
      steps.push({ action: 'remove-line', path, why: line });
  }
  steps.push({ action: 'remove', path: recordPath(prefix) });
  for (const dir of [...record.directories].sort().reverse()) steps.push({ action: 'rmdir', path: dir });
  return steps;
}

export function applyUninstall(steps: UninstallStep[]): UninstallStep[] {
  const done: UninstallStep[] = [];
  for (const step of steps) {
    if (step.action === 'remove') unlinkSync(step.path);
    else if (step.action === 'remove-line') {
      const lines = readFileSync(step.path, 'utf8').split('\n');
      lines.splice(lines.indexOf(step.why ?? ''), 1);
      writeFileSync(step.path, lines.join('\n'));
    } else if (step.action === 'rmdir') {
      // Only when empty: what others put there since stays, with its directory.
      if (!existsSync(step.path) || readdirSync(step.path).length > 0) continue;
      rmdirSync(step.path);
    }
    done.push(step);
  }
  return done;
}
