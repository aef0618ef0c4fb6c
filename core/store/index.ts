export { BUSY_TIMEOUT_MS, openDatabase } from './database';
export type { SqliteAtelierDatabase } from './database';
export type { OpenDatabaseOptions } from './database';
export { LATEST_SCHEMA_VERSION } from './migrations';
export { IMAGEGEM_QUERIES, SqliteImageGemRepository } from './imagegem.repository';
export type { ImageGemRepositoryOptions } from './imagegem.repository';
export { LONG_PROMPT_WORDS } from './imagegem.types';
export { reactionBinLabel } from './reaction-bins';
export { SqliteStatsRepository, STATS_QUERIES, TOP_USERS } from './stats.repository';
export type { DatasetStats, StatsRepository } from './stats.repository';
export type {
  ImageBatchResult,
  ImageGemImageRow,
  ImageGemModelRow,
  ImageGemRepository,
  ImportProgress,
  ImportRun,
  ImportRunState,
  ModelBatchResult,
} from './imagegem.types';
export { SqliteImageRepository } from './image.repository';
export type {
  ImageListParams,
  ImageLoraLinkInput,
  ImageRepository,
  ImageToRelink,
  LoraLookup,
  LoraMatch,
  ScannedImage,
  StoredImageVersion,
} from './image.types';
export { SqliteLoraFileRepository } from './lora-file.repository';
export { SqliteW2wRepository } from './w2w.repository';
export type {
  NewDirection,
  NewSpace,
  NewSpaceMember,
  StoredDirection,
  StoredSpace,
  StoredSpaceMember,
} from './w2w.repository';
export { ftsMatchOf } from './lora-list.query';
export type {
  LoraFileHashes,
  LoraFileRepository,
  LoraListParams,
  ModelIdentity,
  ScannedLoraFile,
  LoraFileMove,
  StoredLoraFile,
  UnhashedLoraFile,
} from './lora-file.types';
export type {
  AtelierDatabase,
  FolderRepository,
  JobPatch,
  JobRepository,
  NewJob,
  SettingsRepository,
} from './store.types';
