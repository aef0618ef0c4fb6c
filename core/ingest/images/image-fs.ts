import { open, readdir, realpath, stat } from 'node:fs/promises';

export interface DirEntry {
  readonly name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface FileStats {
  readonly size: number;
  readonly mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** An open file for positional reads. */
export interface ReadHandle {
  /** Reads up to `into.length` bytes at `position`; returns how many were read. */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Every file-system call the image scan makes, all of them reads. Tests swap it to count opens (an
 * unchanged file must not be opened) and to make files vanish or fail between listing and reading.
 */
export interface ImageFileSystem {
  readdir(dir: string): Promise<DirEntry[]>;
  /** Follows symbolic links. */
  stat(p: string): Promise<FileStats>;
  realpath(p: string): Promise<string>;
  open(p: string): Promise<ReadHandle>;
}

export const nodeImageFs: ImageFileSystem = {
  readdir: (dir) => readdir(dir, { withFileTypes: true }),
  stat: (p) => stat(p),
  realpath: (p) => realpath(p),
  async open(p) {
    const handle = await open(p, 'r');
    return {
      read: async (into, position) => (await handle.read(into, 0, into.length, position)).bytesRead,
      close: () => handle.close(),
    };
  },
};

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
