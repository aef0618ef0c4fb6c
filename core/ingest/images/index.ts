export { ImageLibraryService } from './image-library.service';
export type {
  ImageLibraryServiceOptions,
  ImageMedia,
  ImageScanCounts,
  ImageScanOptions,
  ImageScanRoot,
} from './image-library.service';
export { nodeImageFs } from './image-fs';
export type { ImageFileSystem } from './image-fs';
