import { nodeLibraryFs } from '../loras/library-fs';
import type { LibraryFileSystem } from '../loras/library-fs';

export type { DirEntry, FileStats, ReadHandle } from '../loras/library-fs';

/**
 * Every file-system call the image scan makes, all of them reads: the library scanner's file system
 * without its writes. Tests swap it to count opens (an unchanged file must not be opened) and to make
 * files vanish or fail between listing and reading.
 */
export type ImageFileSystem = Pick<LibraryFileSystem, 'readdir' | 'stat' | 'realpath' | 'open'>;

export const nodeImageFs: ImageFileSystem = nodeLibraryFs;

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
