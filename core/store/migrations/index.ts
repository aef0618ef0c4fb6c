import initial from './0001-initial';
import library from './0002-library';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** Every migration the app knows, oldest first. Append only: released files never change. */
export const MIGRATIONS: readonly Migration[] = [initial, library];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;
