import path from 'node:path';
import { AtelierError } from '../../api';
import type { DirEntry, ImageFileSystem } from './image-fs';
import { errnoOf } from './image-fs';

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp'];
/** Stats run this many at a time within a folder: enough to hide latency, few enough for slow drives. */
const STAT_BATCH = 32;

/** An image file with its size and mtime, or with why it could not be looked at. */
export type FoundImage =
  | { readonly path: string; readonly size: number; readonly mtimeMs: number; readonly error?: undefined }
  | { readonly path: string; readonly error: string };

export interface WalkState {
  /** Folders that could not be listed: their stored images must not be taken for deleted. */
  readonly unlisted: string[];
  readonly problems: string[];
}

export function isImageName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}

export function cancelled(): AtelierError {
  return new AtelierError('CANCELLED', 'The image scan was cancelled.');
}

/**
 * Yields every image file under `root` with its size and mtime, depth first. Hidden entries are
 * skipped (`.thumbnails`, macOS `._x.png` resource forks). Symbolic links are skipped unless
 * followed; when followed, each folder is entered once by its real path, so link loops end.
 */
export async function* walkImages(
  fs: ImageFileSystem,
  root: string,
  options: { followSymlinks: boolean; signal?: AbortSignal | undefined },
  state: WalkState,
): AsyncGenerator<FoundImage> {
  const entered = new Set<string>();
  const enter = async (dir: string): Promise<boolean> => {
    if (!options.followSymlinks) return true;
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch {
      return true;
    }
    if (entered.has(real)) return false;
    entered.add(real);
    return true;
  };

  const stack = (await enter(root)) ? [root] : [];
  while (stack.length > 0) {
    if (options.signal?.aborted) throw cancelled();
    const dir = stack.pop()!;
    let entries: DirEntry[];
    try {
      entries = await fs.readdir(dir);
    } catch (error) {
      state.unlisted.push(dir);
      state.problems.push(
        `${dir} could not be listed (${errnoOf(error) ?? String(error)}); its images were kept.`,
      );
      continue;
    }
    const files: string[] = [];
    const subfolders: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        if (!options.followSymlinks) continue;
        try {
          const target = await fs.stat(full);
          if (target.isDirectory()) subfolders.push(full);
          else if (target.isFile() && isImageName(entry.name)) files.push(full);
        } catch {
          // A dangling link: nothing to read.
        }
      } else if (entry.isDirectory()) subfolders.push(full);
      else if (entry.isFile() && isImageName(entry.name)) files.push(full);
    }
    for (const sub of subfolders.reverse()) if (await enter(sub)) stack.push(sub);
    files.sort();
    for (let i = 0; i < files.length; i += STAT_BATCH) {
      const batch = files.slice(i, i + STAT_BATCH);
      const stats = await Promise.all(
        batch.map((file) =>
          fs.stat(file).then(
            (s) => s,
            (error: unknown) => ({ error }),
          ),
        ),
      );
      for (let j = 0; j < batch.length; j++) {
        const s = stats[j]!;
        if (!('error' in s)) yield { path: batch[j]!, size: s.size, mtimeMs: s.mtimeMs };
        // A file gone between listing and stat is simply not there; any other failure keeps its row.
        else if (errnoOf(s.error) !== 'ENOENT')
          yield { path: batch[j]!, error: errnoOf(s.error) ?? String(s.error) };
      }
    }
  }
}
