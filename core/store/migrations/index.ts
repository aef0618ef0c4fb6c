import initial from './0001-initial';
import library from './0002-library';
import libraryIndexes from './0003-library-indexes';
import images from './0004-images';
import imagegem from './0005-imagegem';
import searchSpeed from './0006-search-speed';
import w2w from './0007-w2w';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** Every migration the app knows, oldest first. Append only: released files never change. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  library,
  libraryIndexes,
  images,
  imagegem,
  searchSpeed,
  w2w,
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;
