export { AppService } from './app.service';
export type { AppServiceOptions } from './app.service';
export { BACKUP_JOB, backupJob } from './backup.job';
export { SettingsService } from './settings.service';
export { APP_FOLDER_NAME, defaultDataDir, resolveDataDir } from './data-dir';
