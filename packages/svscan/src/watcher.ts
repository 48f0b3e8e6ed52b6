// chokidar on the scan directory, as a hint only: depth 0, symlinks not followed. Every event
// (including raw inotify ones, which arrive before chokidar's own stat calls) asks for a scan.
import type { Events } from './events.js';

export interface DirectoryWatcher {
  close(): Promise<void>;
}

export async function watchScanDirectory(dir: string, onHint: () => void, events: Events): Promise<DirectoryWatcher> {
  const { watch } = await import('chokidar');
  const watcher = watch(dir, {
    depth: 0,
    followSymlinks: false,
    ignoreInitial: true,
    persistent: true,
    ignorePermissionErrors: true,
  });
  watcher.on('all', onHint);
  watcher.on('raw', onHint);
  watcher.on('error', (error) => events.warn('unable to watch directory', { error }));
  // Until 'ready' the inotify watch may not exist yet; the first full scan follows this.
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return { close: () => watcher.close() };
}
