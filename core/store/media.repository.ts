import type Database from 'better-sqlite3';
import type { MediaRepository } from './store.types';

export class SqliteMediaRepository implements MediaRepository {
  private readonly selectPath: Database.Statement<[number], { path: string | null }>;

  constructor(connection: Database.Database) {
    this.selectPath = connection.prepare('SELECT path FROM images WHERE id = ?');
  }

  locateImage(id: number): string | undefined {
    return this.selectPath.get(id)?.path ?? undefined;
  }
}
