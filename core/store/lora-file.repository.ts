import type Database from 'better-sqlite3';
import type { LoraBases, LoraDetail, LoraList, LoraListItem } from '../api';
import type {
  LoraFileHashes,
  LoraFileMove,
  LoraFileRepository,
  LoraListParams,
  ScannedLoraFile,
  StoredLoraFile,
  UnhashedLoraFile,
} from './lora-file.types';
import { LIST_COLUMNS, LIST_FROM, listStatements } from './lora-list.query';
import { SqliteModelRepository } from './model.repository';

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

interface ListRow {
  id: number;
  path: string;
  file_name: string;
  folder_id: number | null;
  size: number;
  mtime_ms: number;
  format: string | null;
  base_model: string | null;
  sha256: string | null;
  tensor_hash: string | null;
  autov2: string | null;
  autov3: string | null;
  scan_state: string;
  error: string | null;
  has_preview: number;
  model_id: number | null;
  model_name: string | null;
  version_name: string | null;
  civitai_version_id: number | null;
  trained_words: string | null;
  duplicate_count: number;
  image_count: number;
}

interface OwnedTag {
  owner: number;
  name: string;
}

/**
 * The search row of a file: its name without the extension, model and version names, model and
 * artist tags, trained words. Rebuilt from the tables, so it can never drift from them.
 */
const FTS_INSERT = `
INSERT INTO lora_fts (rowid, name, model_name, tags, trained_words)
SELECT f.id,
  CASE WHEN lower(f.file_name) LIKE '%.safetensors' THEN substr(f.file_name, 1, length(f.file_name) - 12)
    ELSE f.file_name END,
  trim(coalesce(m.name, '') || ' ' || coalesce(v.name, '')),
  trim(
    coalesce((SELECT group_concat(t.name, ' ') FROM model_tags mt JOIN tags t ON t.id = mt.tag_id
      WHERE mt.model_id = v.model_id), '')
    || ' ' ||
    coalesce((SELECT group_concat(t.name, ' ') FROM lora_file_tags lt JOIN tags t ON t.id = lt.tag_id
      WHERE lt.lora_file_id = f.id), '')
  ),
  coalesce((SELECT group_concat(j.value, ' ') FROM json_each(v.trained_words) j), '')
FROM lora_files f
  LEFT JOIN model_versions v ON v.id = f.model_version_id
  LEFT JOIN models m ON m.id = v.model_id
WHERE f.id = ?`;

/**
 * A changed file (other size or mtime) loses its hashes and goes back to `parsed`, so the hashing
 * job picks it up; a file re-read only because a sidecar changed keeps them.
 */
const UPSERT = `
INSERT INTO lora_files (
  folder_id, path, file_name, size, mtime_ms, format, base_model, header_json, preview_path,
  model_version_id, scan_state, error, sidecar_sig, sidecars_json
) VALUES (
  @folderId, @path, @fileName, @size, @mtimeMs, @format, @baseModel, @header, @previewPath,
  @versionId, @scanState, @error, @sidecarSig, @sidecars
)
ON CONFLICT (path) DO UPDATE SET
  sha256 = CASE WHEN lora_files.size = excluded.size AND lora_files.mtime_ms = excluded.mtime_ms
    THEN lora_files.sha256 END,
  tensor_hash = CASE WHEN lora_files.size = excluded.size AND lora_files.mtime_ms = excluded.mtime_ms
    THEN lora_files.tensor_hash END,
  autov2 = CASE WHEN lora_files.size = excluded.size AND lora_files.mtime_ms = excluded.mtime_ms
    THEN lora_files.autov2 END,
  autov3 = CASE WHEN lora_files.size = excluded.size AND lora_files.mtime_ms = excluded.mtime_ms
    THEN lora_files.autov3 END,
  scan_state = CASE
    WHEN excluded.scan_state = 'parsed' AND lora_files.scan_state = 'hashed'
      AND lora_files.size = excluded.size AND lora_files.mtime_ms = excluded.mtime_ms THEN 'hashed'
    ELSE excluded.scan_state END,
  folder_id = excluded.folder_id,
  file_name = excluded.file_name,
  size = excluded.size,
  mtime_ms = excluded.mtime_ms,
  format = excluded.format,
  base_model = excluded.base_model,
  header_json = excluded.header_json,
  preview_path = excluded.preview_path,
  model_version_id = excluded.model_version_id,
  error = excluded.error,
  sidecar_sig = excluded.sidecar_sig,
  sidecars_json = excluded.sidecars_json,
  updated_at = ${NOW}
RETURNING id`;

/** The statements the query-plan test checks, by name. */
export const LORA_FILE_QUERIES = {
  listUnder:
    'SELECT id, path, folder_id, size, mtime_ms, sidecar_sig FROM lora_files WHERE path >= ? AND path < ?',
  nextUnhashed: `SELECT id, path, size, mtime_ms FROM lora_files
    WHERE scan_state = 'parsed' AND id > ? ORDER BY id LIMIT ?`,
  filesOfModel: `SELECT f.id FROM model_versions v JOIN lora_files f ON f.model_version_id = v.id
    WHERE v.model_id = ?`,
  duplicatesOf: 'SELECT id, path FROM lora_files WHERE tensor_hash = ? AND id <> ? ORDER BY path',
  // A scan of the (base_model, file_name) index: no table row is read.
  bases: `SELECT base_model AS value, count(*) AS files FROM lora_files
    WHERE base_model IS NOT NULL GROUP BY base_model ORDER BY files DESC, value`,
} as const;

/** The first path after every path that starts with `prefix`: the prefix with its last character bumped. */
function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

function parseStringList(json: string | null): string[] {
  if (json === null) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toItem(row: ListRow, tags: string[]): LoraListItem {
  return {
    id: row.id,
    path: row.path,
    fileName: row.file_name,
    folderId: row.folder_id,
    size: row.size,
    mtimeMs: row.mtime_ms,
    format: row.format,
    baseModel: row.base_model,
    sha256: row.sha256,
    tensorHash: row.tensor_hash,
    autoV2: row.autov2,
    autoV3: row.autov3,
    scanState: row.scan_state,
    error: row.error,
    hasPreview: row.has_preview === 1,
    modelName: row.model_name,
    versionName: row.version_name,
    civitaiVersionId: row.civitai_version_id,
    tags,
    trainedWords: parseStringList(row.trained_words),
    duplicateCount: row.duplicate_count,
    imageCount: row.image_count,
  };
}

export class SqliteLoraFileRepository implements LoraFileRepository {
  private readonly models: SqliteModelRepository;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly selectUnder: Database.Statement<[string, string], Record<string, unknown>>;
  private readonly selectByPath: Database.Statement<
    [string],
    { id: number; model_version_id: number | null }
  >;
  private readonly upsert: Database.Statement<Record<string, unknown>, { id: number }>;
  private readonly ftsDelete: Database.Statement<[number]>;
  private readonly ftsInsert: Database.Statement<[number]>;
  private readonly selectVersionOf: Database.Statement<[number], { model_version_id: number | null }>;
  private readonly deleteFile: Database.Statement<[number]>;
  private readonly updateFolder: Database.Statement<[number, number]>;
  private readonly selectUnhashed: Database.Statement<[number, number], Record<string, unknown>>;
  private readonly countParsed: Database.Statement<[], { n: number }>;
  private readonly updateHashes: Database.Statement<
    Record<string, unknown>,
    { model_version_id: number | null }
  >;
  private readonly updateError: Database.Statement<[string, number]>;
  private readonly selectFilesOfModel: Database.Statement<[number], { id: number }>;
  private readonly selectItem: Database.Statement<[number], ListRow>;
  private readonly selectDetail: Database.Statement<
    [number],
    { sidecars_json: string | null; description: string | null; preview_path: string | null }
  >;
  private readonly selectDuplicates: Database.Statement<[string, number], { id: number; path: string }>;
  private readonly selectModelTags: Database.Statement<[string], OwnedTag>;
  private readonly selectFileTags: Database.Statement<[string], OwnedTag>;
  private readonly saveBatch: (files: readonly ScannedLoraFile[]) => void;
  private readonly removeBatch: (ids: readonly number[]) => void;
  private readonly folderBatch: (ids: readonly number[], folderId: number) => void;
  private readonly moveBatch: (moves: readonly LoraFileMove[]) => void;
  private readonly refreshBatch: (ids: readonly number[]) => void;

  constructor(private readonly connection: Database.Database) {
    this.models = new SqliteModelRepository(connection);
    this.selectUnder = connection.prepare(LORA_FILE_QUERIES.listUnder);
    this.selectByPath = connection.prepare('SELECT id, model_version_id FROM lora_files WHERE path = ?');
    this.upsert = connection.prepare(UPSERT);
    this.ftsDelete = connection.prepare('DELETE FROM lora_fts WHERE rowid = ?');
    this.ftsInsert = connection.prepare(FTS_INSERT);
    this.selectVersionOf = connection.prepare('SELECT model_version_id FROM lora_files WHERE id = ?');
    this.deleteFile = connection.prepare('DELETE FROM lora_files WHERE id = ?');
    this.updateFolder = connection.prepare('UPDATE lora_files SET folder_id = ? WHERE id = ?');
    this.selectUnhashed = connection.prepare(LORA_FILE_QUERIES.nextUnhashed);
    this.countParsed = connection.prepare("SELECT count(*) AS n FROM lora_files WHERE scan_state = 'parsed'");
    this.updateHashes = connection.prepare(`
      UPDATE lora_files SET sha256 = @sha256, autov2 = @autoV2, tensor_hash = @tensorHash, autov3 = @autoV3,
        scan_state = 'hashed', updated_at = ${NOW}
      WHERE id = @id AND size = @size AND mtime_ms = @mtimeMs AND scan_state = 'parsed'
      RETURNING model_version_id`);
    this.updateError = connection.prepare(
      `UPDATE lora_files SET scan_state = 'error', error = ?, updated_at = ${NOW} WHERE id = ?`,
    );
    this.selectFilesOfModel = connection.prepare(LORA_FILE_QUERIES.filesOfModel);
    this.selectItem = connection.prepare(`SELECT ${LIST_COLUMNS} FROM ${LIST_FROM} WHERE f.id = ?`);
    this.selectDetail = connection.prepare(`
      SELECT f.sidecars_json, m.description, f.preview_path FROM ${LIST_FROM} WHERE f.id = ?`);
    this.selectDuplicates = connection.prepare(LORA_FILE_QUERIES.duplicatesOf);
    this.selectModelTags = connection.prepare(`
      SELECT mt.model_id AS owner, t.name FROM model_tags mt JOIN tags t ON t.id = mt.tag_id
      WHERE mt.model_id IN (SELECT value FROM json_each(?))`);
    this.selectFileTags = connection.prepare(`
      SELECT lt.lora_file_id AS owner, t.name FROM lora_file_tags lt JOIN tags t ON t.id = lt.tag_id
      WHERE lt.lora_file_id IN (SELECT value FROM json_each(?))`);

    this.saveBatch = connection.transaction((files: readonly ScannedLoraFile[]) => this.saveAll(files));
    this.removeBatch = connection.transaction((ids: readonly number[]) => {
      for (const id of ids) this.removeOne(id);
    });
    this.folderBatch = connection.transaction((ids: readonly number[], folderId: number) => {
      for (const id of ids) this.updateFolder.run(folderId, id);
    });
    const updatePath = connection.prepare<[string, string, number, number]>(
      `UPDATE lora_files SET path = ?, file_name = ?, folder_id = ?, updated_at = ${NOW} WHERE id = ?`,
    );
    this.moveBatch = connection.transaction((moves: readonly LoraFileMove[]) => {
      for (const move of moves) {
        updatePath.run(move.path, move.fileName, move.folderId, move.id);
        this.refreshOne(move.id);
      }
    });
    this.refreshBatch = connection.transaction((ids: readonly number[]) => {
      for (const id of ids) this.refreshOne(id);
    });
  }

  listUnder(prefix: string): StoredLoraFile[] {
    return this.selectUnder.all(prefix, prefixEnd(prefix)).map((row) => ({
      id: row.id as number,
      path: row.path as string,
      folderId: row.folder_id as number | null,
      size: row.size as number,
      mtimeMs: row.mtime_ms as number,
      sidecarSig: row.sidecar_sig as string | null,
    }));
  }

  saveScanned(files: readonly ScannedLoraFile[]): void {
    if (files.length > 0) this.saveBatch(files);
  }

  setFolder(ids: readonly number[], folderId: number): void {
    if (ids.length > 0) this.folderBatch(ids, folderId);
  }

  remove(ids: readonly number[]): void {
    if (ids.length > 0) this.removeBatch(ids);
  }

  move(moves: readonly LoraFileMove[]): void {
    if (moves.length > 0) this.moveBatch(moves);
  }

  nextUnhashed(afterId: number, limit: number): UnhashedLoraFile[] {
    return this.selectUnhashed.all(afterId, limit).map((row) => ({
      id: row.id as number,
      path: row.path as string,
      size: row.size as number,
      mtimeMs: row.mtime_ms as number,
    }));
  }

  countUnhashed(): number {
    return this.countParsed.get()!.n;
  }

  saveHashes(id: number, expected: { size: number; mtimeMs: number }, hashes: LoraFileHashes): boolean {
    return this.connection.transaction(() => {
      const row = this.updateHashes.get({ id, size: expected.size, mtimeMs: expected.mtimeMs, ...hashes });
      if (row === undefined) return false;
      if (row.model_version_id !== null) this.models.recordLocalSha256(row.model_version_id, hashes.sha256);
      return true;
    })();
  }

  markError(id: number, message: string): void {
    this.updateError.run(message, id);
  }

  bases(): LoraBases['bases'] {
    return this.statement('bases', LORA_FILE_QUERIES.bases).all() as LoraBases['bases'];
  }

  list(query: LoraListParams): LoraList {
    const sql = listStatements(query);
    const total = this.statement(`count|${sql.key}`, sql.count).get(sql.params) as { n: number };
    const rows = this.statement(`page|${sql.key}`, sql.page).all({
      ...sql.params,
      limit: query.limit,
      offset: query.offset,
    }) as ListRow[];
    return { total: total.n, items: this.withTags(rows) };
  }

  get(id: number): Omit<LoraDetail, 'images'> | undefined {
    const row = this.selectItem.get(id);
    if (row === undefined) return undefined;
    const detail = this.selectDetail.get(id)!;
    let sidecars: string[] = [];
    if (detail.sidecars_json !== null) {
      const parsed = JSON.parse(detail.sidecars_json) as { used?: unknown };
      sidecars = Array.isArray(parsed.used)
        ? parsed.used.filter((s): s is string => typeof s === 'string')
        : [];
    }
    return {
      lora: this.withTags([row])[0]!,
      duplicates: row.tensor_hash === null ? [] : this.selectDuplicates.all(row.tensor_hash, id),
      sidecars,
      description: detail.description,
    };
  }

  previewPath(id: number): string | undefined {
    return this.selectDetail.get(id)?.preview_path ?? undefined;
  }

  refreshSearch(ids: readonly number[]): void {
    if (ids.length > 0) this.refreshBatch(ids);
  }

  private saveAll(files: readonly ScannedLoraFile[]): void {
    const touched = new Set<number>();
    const sharedModels = new Set<number>();
    for (const file of files) {
      const current = this.selectByPath.get(file.path);
      const currentVersionId = current?.model_version_id ?? null;
      let versionId: number | null = null;
      if (file.identity !== null) {
        const resolved = this.models.resolve(file.identity, {
          path: file.path,
          fileName: file.fileName,
          currentVersionId,
        });
        versionId = resolved.versionId;
        // Only Civitai models are shared between files; a local model's name reaches just its own file.
        if (file.identity.civitaiModelId !== null || file.identity.civitaiVersionId !== null) {
          sharedModels.add(resolved.modelId);
        }
      }
      const { id } = this.upsert.get({
        folderId: file.folderId,
        path: file.path,
        fileName: file.fileName,
        size: file.size,
        mtimeMs: file.mtimeMs,
        format: file.format,
        baseModel: file.baseModel,
        header: file.header === null ? null : JSON.stringify(file.header),
        previewPath: file.previewPath,
        versionId,
        scanState: file.scanState,
        error: file.error,
        sidecarSig: file.sidecarSig,
        sidecars: file.sidecars === null ? null : JSON.stringify(file.sidecars),
      })!;
      if (currentVersionId !== null && currentVersionId !== versionId) {
        const previousModel = this.models.modelOf(currentVersionId);
        this.models.removeIfOrphan(currentVersionId);
        if (previousModel !== undefined) sharedModels.add(previousModel);
      }
      touched.add(id);
    }
    for (const modelId of sharedModels) {
      for (const { id } of this.selectFilesOfModel.all(modelId)) touched.add(id);
    }
    for (const id of touched) this.refreshOne(id);
  }

  private removeOne(id: number): void {
    const row = this.selectVersionOf.get(id);
    if (row === undefined) return;
    this.ftsDelete.run(id);
    this.deleteFile.run(id);
    if (row.model_version_id !== null) this.models.removeIfOrphan(row.model_version_id);
  }

  private refreshOne(id: number): void {
    this.ftsDelete.run(id);
    this.ftsInsert.run(id);
  }

  private withTags(rows: ListRow[]): LoraListItem[] {
    const modelIds = [...new Set(rows.flatMap((r) => (r.model_id === null ? [] : [r.model_id])))];
    const byModel = group(modelIds.length === 0 ? [] : this.selectModelTags.all(JSON.stringify(modelIds)));
    const byFile = group(this.selectFileTags.all(JSON.stringify(rows.map((r) => r.id))));
    return rows.map((row) => {
      const names = [
        ...(row.model_id === null ? [] : (byModel.get(row.model_id) ?? [])),
        ...(byFile.get(row.id) ?? []),
      ];
      const unique = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
      return toItem(
        row,
        unique.sort((a, b) => a.localeCompare(b)),
      );
    });
  }

  private statement(key: string, sql: string): Database.Statement {
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = this.connection.prepare(sql);
      this.statements.set(key, statement);
    }
    return statement;
  }
}

function group(rows: readonly OwnedTag[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const row of rows) {
    const list = map.get(row.owner);
    if (list === undefined) map.set(row.owner, [row.name]);
    else list.push(row.name);
  }
  return map;
}
