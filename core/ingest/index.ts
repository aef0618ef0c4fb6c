export { detectComfyUiLayout, isComfyUiRoot, readExtraLoraPaths } from './comfyui-layout';
export { FolderService } from './folder.service';
export type { FolderProbe } from './folder.service';
export { createHeaderWorkerParser, inlineHeaderParser, LoraLibraryService, nodeLibraryFs } from './loras';
export type {
  HeaderParser,
  LibraryFileSystem,
  LibraryJobOptions,
  LibraryWatcher,
  LibraryWatchOptions,
  LoraLibraryServiceOptions,
  LoraScanCounts,
  LoraScanOptions,
  ScanRoot,
} from './loras';
export { ImageLibraryService, nodeImageFs } from './images';
export type {
  ImageFileSystem,
  ImageLibraryServiceOptions,
  ImageMedia,
  ImageScanCounts,
  ImageScanOptions,
  ImageScanRoot,
} from './images';
export { interpretTexts, loraNameKey, readImageMetadata } from './metadata';
export type { GenerationParameters, LoraReference, MetadataProblem, ParsedImageMetadata } from './metadata';
export {
  countWords,
  DatasetFileError,
  DatasetStatsService,
  ImageGemImporter,
  isDatasetFileError,
} from './imagegem';
export type {
  DatasetFileProblem,
  ImageGemImporterOptions,
  ImageGemImportInput,
  ImageGemImportSummary,
  ImportContext,
} from './imagegem';
export { HASH_JOB, LibraryController, rootsOf, SCAN_JOB } from './library.controller';
export type { LibraryControllerOptions, LibraryRoots } from './library.controller';
export { minimalPng, tEXt } from './metadata/fixtures/metadata-writer';
