import path from 'node:path';
import { watch } from 'chokidar';
import type { Disposable } from '../../common';
import { isLibraryFileName } from './sidecar-names';

export interface LibraryWatchOptions {
  readonly followSymlinks?: boolean;
  /** Quiet time after the last change before `onChange` fires; default 1 s. */
  readonly debounceMs?: number;
  /** How long a file's size must hold still before it counts as written (downloads); default 2 s. */
  readonly writeFinishMs?: number;
}

export interface LibraryWatcher extends Disposable {
  /** Settles when the initial listing is done and changes are being reported. */
  readonly ready: Promise<void>;
  /** Settles once `dispose` has released every file-system watch. */
  readonly closed: Promise<void>;
}

/**
 * Watches LoRA folders for LoRAs, pickles, sidecars and previews appearing, changing or going, and
 * calls `onChange` once per burst (a download, a folder moved in). The caller runs an incremental
 * scan then, which costs a stat per file, so bursts are coalesced rather than reported per file.
 */
export function watchLoraFolders(
  roots: readonly string[],
  onChange: () => void,
  options: LibraryWatchOptions = {},
): LibraryWatcher {
  const debounceMs = options.debounceMs ?? 1000;
  const rootSet = new Set(roots.map((r) => path.resolve(r)));
  const watcher = watch([...rootSet], {
    ignoreInitial: true,
    persistent: true,
    followSymlinks: options.followSymlinks ?? false,
    awaitWriteFinish: { stabilityThreshold: options.writeFinishMs ?? 2000, pollInterval: 100 },
    // Directories are always entered (except hidden ones, which the scanner skips too).
    ignored: (p, stats) => {
      if (rootSet.has(p)) return false;
      const name = path.basename(p);
      if (stats?.isDirectory() === true) return name.startsWith('.');
      return stats?.isFile() === true && !isLibraryFileName(name);
    },
  });

  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  const fire = () => {
    timer = undefined;
    if (!disposed) onChange();
  };
  watcher.on('all', (event, changed) => {
    if (disposed) return;
    if (
      (event === 'add' || event === 'change' || event === 'unlink') &&
      !isLibraryFileName(path.basename(changed))
    ) {
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  });
  // A folder that vanishes or denies access is the scan's to report; the watcher keeps going.
  watcher.on('error', () => undefined);

  let resolveReady!: () => void;
  let resolveClosed!: () => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  watcher.once('ready', () => resolveReady());
  return {
    ready,
    closed,
    dispose() {
      if (disposed) return;
      disposed = true;
      clearTimeout(timer);
      resolveReady();
      void watcher.close().then(resolveClosed, resolveClosed);
    },
  };
}
