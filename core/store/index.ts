export { BUSY_TIMEOUT_MS, openDatabase } from './database';
export type { SqliteAtelierDatabase } from './database';
export type { OpenDatabaseOptions } from './database';
export { LATEST_SCHEMA_VERSION } from './migrations';
export type {
  AtelierDatabase,
  FolderRepository,
  JobPatch,
  JobRepository,
  MediaRepository,
  NewJob,
  SettingsRepository,
} from './store.types';
