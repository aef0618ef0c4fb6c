import path from 'node:path';
import { AtelierError } from '../../api';
import { errnoOf, type DirEntry, type LibraryFileSystem } from './library-fs';
import {
  type LoraFileKind,
  loraFileKind,
  METADATA_SIDECARS,
  PREVIEW_SUFFIXES,
  type SidecarTool,
  stemOf,
} from './sidecar-names';

export interface ScanRoot {
  readonly folderId: number;
  readonly path: string;
}

/** A LoRA-looking file found by the walk, with the sidecars beside it; nothing has been read yet. */
export interface LoraCandidate {
  readonly path: string;
  readonly folderId: number;
  readonly fileName: string;
  readonly kind: LoraFileKind;
  /** The entry itself is a symbolic link (only listed when following links): a missing target is a broken link, not a deleted file. */
  readonly isSymlink: boolean;
  /** Metadata sidecars present, in priority order (absolute paths). */
  readonly metadataSidecars: readonly { readonly path: string; readonly tool: SidecarTool }[];
  /** Preview images present, best first (absolute paths). */
  readonly previews: readonly string[];
}

export interface WalkResult {
  readonly candidates: LoraCandidate[];
  /** Folders that could not be listed: their stored files must not be taken for deleted. */
  readonly unlisted: string[];
  readonly problems: string[];
}

export interface WalkOptions {
  readonly followSymlinks: boolean;
  readonly signal: AbortSignal;
  onFound?(count: number): void;
}

function cancelled(): AtelierError {
  return new AtelierError('CANCELLED', 'The library scan was cancelled.', { reason: 'aborted' });
}

/** Sidecars are looked up by name, case-insensitively, because Windows tools write `.PNG` and `.Civitai.info`. */
function candidateOf(
  dir: string,
  name: string,
  kind: LoraFileKind,
  folderId: number,
  isSymlink: boolean,
  byLowerName: ReadonlyMap<string, string>,
): LoraCandidate {
  const stem = stemOf(name).toLowerCase();
  const find = (suffix: string) => byLowerName.get(stem + suffix);
  const metadataSidecars =
    kind === 'pickle'
      ? []
      : METADATA_SIDECARS.flatMap(({ suffix, tool }) => {
          const found = find(suffix);
          return found === undefined ? [] : [{ path: path.join(dir, found), tool }];
        });
  const previews =
    kind === 'pickle'
      ? []
      : PREVIEW_SUFFIXES.flatMap((suffix) => {
          const found = find(suffix);
          return found === undefined ? [] : [path.join(dir, found)];
        });
  return {
    path: path.join(dir, name),
    folderId,
    fileName: name,
    kind,
    isSymlink,
    metadataSidecars,
    previews,
  };
}

/**
 * Lists every `.safetensors` and pickle file under the roots, depth first, reading directory entries
 * only (no stat, except for symbolic links when following them). Hidden folders are skipped. With
 * `followSymlinks`, each directory is entered once by its real path, so link loops end.
 */
export async function walkLoraFolders(
  fs: LibraryFileSystem,
  roots: readonly ScanRoot[],
  options: WalkOptions,
): Promise<WalkResult> {
  const candidates: LoraCandidate[] = [];
  const unlisted: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
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

  for (const root of roots) {
    const stack: string[] = [];
    const rootDir = path.resolve(root.path);
    if (await enter(rootDir)) stack.push(rootDir);
    while (stack.length > 0) {
      if (options.signal.aborted) throw cancelled();
      const dir = stack.pop()!;
      let entries: DirEntry[];
      try {
        entries = await fs.readdir(dir);
      } catch (error) {
        unlisted.push(dir);
        problems.push(
          `${dir} could not be listed (${errnoOf(error) ?? String(error)}); its files were kept as they were.`,
        );
        continue;
      }
      const byLowerName = new Map(entries.map((e) => [e.name.toLowerCase(), e.name]));
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        let isDirectory = entry.isDirectory();
        let isFile = entry.isFile();
        const isLink = entry.isSymbolicLink();
        if (isLink) {
          if (!options.followSymlinks) continue;
          try {
            const target = await fs.stat(full);
            isDirectory = target.isDirectory();
            isFile = target.isFile();
          } catch {
            // A broken link to a LoRA is still listed: the scan reports it on its own row.
            isFile = true;
          }
        }
        if (isDirectory) {
          if (entry.name.startsWith('.')) continue;
          if (await enter(full)) stack.push(full);
          continue;
        }
        if (!isFile) continue;
        const kind = loraFileKind(entry.name);
        if (kind === null || seen.has(full)) continue;
        seen.add(full);
        candidates.push(candidateOf(dir, entry.name, kind, root.folderId, isLink, byLowerName));
        if (candidates.length % 1000 === 0) options.onFound?.(candidates.length);
      }
    }
  }
  return { candidates, unlisted, problems };
}
