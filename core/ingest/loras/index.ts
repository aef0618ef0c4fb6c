export { LoraLibraryService } from './lora-library.service';
export type {
  LibraryJobOptions,
  LoraLibraryServiceOptions,
  LoraScanCounts,
  LoraScanOptions,
} from './lora-library.service';
export type { ScanRoot } from './folder-walker';
export { createHeaderWorkerParser, inlineHeaderParser } from './header.parser';
export type { HeaderParser } from './header.parser';
export type { DirEntry, FileStats, LibraryFileSystem, ReadHandle } from './library-fs';
export { nodeLibraryFs } from './library-fs';
export type { LibraryWatcher, LibraryWatchOptions } from './library.watcher';
