import { randomBytes } from 'node:crypto';
import {
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';

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

/** An open file for positional reads; the scanner reads only headers through it. */
export interface ReadHandle {
  /** Reads up to `into.length` bytes at `position`; returns how many were read. */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Every file-system call the library scanner makes. Tests swap it to count opens and to simulate
 * what a root user cannot meet (EACCES), or a file vanishing between listing and reading.
 */
export interface LibraryFileSystem {
  readdir(dir: string): Promise<DirEntry[]>;
  /** Follows symlinks. */
  stat(p: string): Promise<FileStats>;
  lstat(p: string): Promise<FileStats>;
  realpath(p: string): Promise<string>;
  open(p: string): Promise<ReadHandle>;
  readFile(p: string): Promise<Uint8Array>;
  /** Writes through a temporary name and a rename, so a killed write never leaves a half file. */
  writeFileAtomic(p: string, bytes: Uint8Array): Promise<void>;
}

export const nodeLibraryFs: LibraryFileSystem = {
  readdir: (dir) => readdir(dir, { withFileTypes: true }),
  stat: (p) => stat(p),
  lstat: (p) => lstat(p),
  realpath: (p) => realpath(p),
  async open(p) {
    const handle = await open(p, 'r');
    return {
      read: async (into, position) => (await handle.read(into, 0, into.length, position)).bytesRead,
      close: () => handle.close(),
    };
  },
  readFile: (p) => readFile(p),
  async writeFileAtomic(p, bytes) {
    await mkdir(path.dirname(p), { recursive: true });
    const temporary = `${p}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, p);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  },
};

export function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
