import type Database from 'better-sqlite3';
import { AtelierError, ComfyUiLayout, FolderKind } from '../api';
import type { Folder } from '../api';
import { isUniqueViolation } from './sqlite-errors';
import type { FolderRepository } from './store.types';

interface FolderRow {
  id: number;
  path: string;
  kind: string;
  comfyui_json: string | null;
  added_at: string;
}

const COLUMNS = 'id, path, kind, comfyui_json, added_at';

function toFolder(row: FolderRow): Folder {
  return {
    id: row.id,
    path: row.path,
    kind: FolderKind.parse(row.kind),
    addedAt: row.added_at,
    // Validated on the way out too: a layout written by an older build may lack newer fields.
    comfyUi: row.comfyui_json === null ? null : ComfyUiLayout.parse(JSON.parse(row.comfyui_json)),
  };
}

export class SqliteFolderRepository implements FolderRepository {
  private readonly selectAll: Database.Statement<[], FolderRow>;
  private readonly selectById: Database.Statement<[number], FolderRow>;
  private readonly selectByPath: Database.Statement<[string], FolderRow>;
  private readonly insert: Database.Statement<[string, string, string | null], FolderRow>;
  private readonly deleteById: Database.Statement<[number]>;

  constructor(connection: Database.Database) {
    this.selectAll = connection.prepare(`SELECT ${COLUMNS} FROM folders ORDER BY path`);
    this.selectById = connection.prepare(`SELECT ${COLUMNS} FROM folders WHERE id = ?`);
    this.selectByPath = connection.prepare(`SELECT ${COLUMNS} FROM folders WHERE path = ?`);
    this.insert = connection.prepare(
      `INSERT INTO folders (path, kind, comfyui_json) VALUES (?, ?, ?) RETURNING ${COLUMNS}`,
    );
    this.deleteById = connection.prepare('DELETE FROM folders WHERE id = ?');
  }

  list(): Folder[] {
    return this.selectAll.all().map(toFolder);
  }

  get(id: number): Folder | undefined {
    const row = this.selectById.get(id);
    return row && toFolder(row);
  }

  findByPath(path: string): Folder | undefined {
    const row = this.selectByPath.get(path);
    return row && toFolder(row);
  }

  add(input: { path: string; kind: FolderKind; comfyUi: ComfyUiLayout | null }): Folder {
    const comfyUiJson = input.comfyUi === null ? null : JSON.stringify(input.comfyUi);
    try {
      const row = this.insert.get(input.path, input.kind, comfyUiJson);
      if (!row) throw new Error('INSERT … RETURNING returned no row');
      return toFolder(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AtelierError('ALREADY_EXISTS', `The folder ${input.path} is already in your library.`);
      }
      throw error;
    }
  }

  remove(id: number): boolean {
    return this.deleteById.run(id).changes > 0;
  }
}
