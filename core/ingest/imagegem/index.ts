export { DatasetStatsService } from './dataset-stats.service';
export { DatasetFileError, isDatasetFileError } from './imagegem.errors';
export type { DatasetFileProblem } from './imagegem.errors';
export { ImageGemImporter } from './imagegem.importer';
export type {
  ImageGemImporterOptions,
  ImageGemImportInput,
  ImageGemImportSummary,
  ImportContext,
} from './imagegem.importer';
export { countWords } from './words';
