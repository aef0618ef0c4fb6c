import type Database from 'better-sqlite3';
import type { ImageList, ImageListItem, ReactionFlags, ReactionKind } from '../api';
import type {
  ImageListParams,
  ImageLoraLinkInput,
  ImageRepository,
  ImageToRelink,
  LoraMatch,
  ScannedImage,
  StoredImageVersion,
} from './image.types';
import type { ImageRow } from './image-list.query';
import { FULL_TEXT_COUNT_CAP, imageListSql, imageListWhere, ITEM_COLUMNS } from './image-list.query';

/** The local artist's user row (0001-initial.ts); scanned images belong to them. */
const LOCAL_USER_ID = 1;
const GENERATED = 'generated';
/** Extensions a LoRA file name may carry; a reference names the stem. */
const LORA_EXTENSIONS = ['.safetensors', '.ckpt', '.pt', '.pth', '.bin'];

interface LinkRow {
  image_id: number;
  name: string | null;
  weight: number | null;
  lora_file_id: number | null;
  model_version_id: number | null;
  match_rule: string;
}

interface CountsRow {
  image_id: number;
  heart_count: number;
  like_count: number;
  laugh_count: number;
  cry_count: number;
}

interface MatchRow {
  id: number | null;
  model_version_id: number | null;
}

/** SQL of the hot queries, exported for the query-plan tests. */
export const IMAGE_QUERIES = {
  versionsInFolder: 'SELECT id, path, size, mtime_ms AS mtimeMs FROM images WHERE folder_id = ?',
  // Dataset links carry only a version id; the model's name is what a person recognises.
  linksOf: `SELECT l.image_id, coalesce(l.name, m.name) AS name, l.weight, l.lora_file_id, l.model_version_id, l.match_rule
    FROM image_loras l
    LEFT JOIN model_versions v ON v.id = l.model_version_id
    LEFT JOIN models m ON m.id = v.model_id
    WHERE l.image_id IN (SELECT value FROM json_each(?)) ORDER BY l.image_id, l.id`,
  reactionsOf:
    'SELECT image_id, kind FROM reactions WHERE user_id = ? AND image_id IN (SELECT value FROM json_each(?))',
  countsOf:
    'SELECT image_id, heart_count, like_count, laugh_count, cry_count FROM image_reaction_counts WHERE image_id IN (SELECT value FROM json_each(?))',
  toRelink: `SELECT DISTINCT l.image_id AS id FROM image_loras l JOIN images i ON i.id = l.image_id
    WHERE (l.match_rule IN ('unmatched', 'file_name') OR (l.lora_file_id IS NULL AND l.model_version_id IS NULL))
      AND l.image_id > ? AND i.source = 'local'
    ORDER BY l.image_id LIMIT ?`,
  autoV3:
    'SELECT id, model_version_id FROM lora_files WHERE autov3 = ? ORDER BY model_version_id IS NULL, id LIMIT 1',
  tensorHash:
    'SELECT id, model_version_id FROM lora_files WHERE tensor_hash = ? ORDER BY model_version_id IS NULL, id LIMIT 1',
  sha256:
    'SELECT id, model_version_id FROM lora_files WHERE sha256 = ? ORDER BY model_version_id IS NULL, id LIMIT 1',
  sha256Prefix:
    'SELECT id, model_version_id FROM lora_files WHERE sha256 >= ? AND sha256 < ? ORDER BY model_version_id IS NULL, id LIMIT 1',
  autoV2:
    'SELECT id, model_version_id FROM lora_files WHERE autov2 = ? ORDER BY model_version_id IS NULL, id LIMIT 1',
  // Civitai publishes SHA-256 in upper case; files hashed here are lower case.
  versionBySha256: `SELECT NULL AS id, id AS model_version_id FROM model_versions
    WHERE (sha256 >= @lower AND sha256 < @lowerEnd) OR (sha256 >= @upper AND sha256 < @upperEnd) ORDER BY id LIMIT 1`,
  byStem: `SELECT id, model_version_id FROM lora_files WHERE file_name COLLATE NOCASE IN (${LORA_EXTENSIONS.map(() => '?').join(', ')})
    ORDER BY scan_state = 'error', model_version_id IS NULL, id LIMIT 1`,
} as const;

/** The smallest string greater than every string starting with `prefix` (for index range scans). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function toMatch(row: MatchRow | undefined): LoraMatch | undefined {
  return row && { loraFileId: row.id, modelVersionId: row.model_version_id };
}

function noReactions(): ReactionFlags {
  return { heart: false, like: false, laugh: false, cry: false };
}

interface ListStatement {
  rows: Database.Statement<Record<string, unknown>, ImageRow>;
  total: Database.Statement<Record<string, unknown>, { total: number }>;
}

export class SqliteImageRepository implements ImageRepository {
  private readonly listStatements = new Map<string, ListStatement>();
  private readonly statements;

  constructor(private readonly connection: Database.Database) {
    const c = connection;
    this.statements = {
      versionsInFolder: c.prepare<[number], StoredImageVersion>(IMAGE_QUERIES.versionsInFolder),
      idByPath: c.prepare<[string], { id: number }>('SELECT id FROM images WHERE path = ?'),
      insert: c.prepare<Record<string, unknown>, { id: number }>(
        `INSERT INTO images (path, source, user_id, folder_id, size, mtime_ms, width, height, prompt, negative_prompt,
           seed, steps, sampler, cfg, clip_skip, model_hash, created_at, meta_json)
         VALUES (@path, 'local', ${LOCAL_USER_ID}, @folderId, @size, @mtimeMs, @width, @height, @prompt, @negativePrompt,
           @seed, @steps, @sampler, @cfg, @clipSkip, @modelHash, @createdAt, @meta)
         RETURNING id`,
      ),
      update: c.prepare<Record<string, unknown>>(
        `UPDATE images SET folder_id = @folderId, size = @size, mtime_ms = @mtimeMs, width = @width, height = @height,
           prompt = @prompt, negative_prompt = @negativePrompt, seed = @seed, steps = @steps, sampler = @sampler,
           cfg = @cfg, clip_skip = @clipSkip, model_hash = @modelHash, meta_json = @meta
         WHERE id = @id`,
      ),
      deleteLinks: c.prepare<[number]>('DELETE FROM image_loras WHERE image_id = ?'),
      insertLink: c.prepare<[number, number | null, number | null, string | null, number | null, string]>(
        `INSERT INTO image_loras (image_id, model_version_id, lora_file_id, name, weight, match_rule)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      deleteGenerated: c.prepare<[number]>(
        `DELETE FROM interactions WHERE image_id = ? AND kind = '${GENERATED}'`,
      ),
      insertGenerated: c.prepare<[number]>(
        `INSERT INTO interactions (user_id, model_version_id, image_id, kind, created_at)
         SELECT DISTINCT i.user_id, l.model_version_id, i.id, '${GENERATED}', i.created_at
         FROM images i JOIN image_loras l ON l.image_id = i.id
         WHERE i.id = ? AND l.model_version_id IS NOT NULL`,
      ),
      deleteImages: c.prepare<[string]>('DELETE FROM images WHERE id IN (SELECT value FROM json_each(?))'),
      deleteAtPath: c.prepare<[string, number]>('DELETE FROM images WHERE path = ? AND id <> ?'),
      movePath: c.prepare<[string, number, number]>('UPDATE images SET path = ?, folder_id = ? WHERE id = ?'),
      toRelink: c.prepare<[number, number], { id: number }>(IMAGE_QUERIES.toRelink),
      relinkInfo: c.prepare<
        [number],
        { id: number; user_id: number; created_at: string; refs: string | null }
      >(
        "SELECT id, user_id, created_at, json_extract(meta_json, '$.loraRefs') AS refs FROM images WHERE id = ?",
      ),
      linksOf: c.prepare<[string], LinkRow>(IMAGE_QUERIES.linksOf),
      reactionsOf: c.prepare<[number, string], { image_id: number; kind: ReactionKind }>(
        IMAGE_QUERIES.reactionsOf,
      ),
      countsOf: c.prepare<[string], CountsRow>(IMAGE_QUERIES.countsOf),
      itemById: c.prepare<[number], ImageRow>(`SELECT ${ITEM_COLUMNS} FROM images i WHERE i.id = ?`),
      imageExists: c.prepare<[number], { one: number }>('SELECT 1 AS one FROM images WHERE id = ?'),
      userExists: c.prepare<[number], { one: number }>('SELECT 1 AS one FROM users WHERE id = ?'),
      hasReaction: c.prepare<[number, number, string], { one: number }>(
        'SELECT 1 AS one FROM reactions WHERE user_id = ? AND image_id = ? AND kind = ?',
      ),
      addReaction: c.prepare<[number, number, string]>(
        'INSERT OR IGNORE INTO reactions (user_id, image_id, kind) VALUES (?, ?, ?)',
      ),
      removeReaction: c.prepare<[number, number, string]>(
        'DELETE FROM reactions WHERE user_id = ? AND image_id = ? AND kind = ?',
      ),
      pathOf: c.prepare<[number], { path: string | null }>('SELECT path FROM images WHERE id = ?'),
      problemsOf: c.prepare<[number], { problems: string | null }>(
        "SELECT json_extract(meta_json, '$.problems') AS problems FROM images WHERE id = ?",
      ),
      autoV3: c.prepare<[string], MatchRow>(IMAGE_QUERIES.autoV3),
      tensorHash: c.prepare<[string], MatchRow>(IMAGE_QUERIES.tensorHash),
      sha256: c.prepare<[string], MatchRow>(IMAGE_QUERIES.sha256),
      sha256Prefix: c.prepare<[string, string], MatchRow>(IMAGE_QUERIES.sha256Prefix),
      autoV2: c.prepare<[string], MatchRow>(IMAGE_QUERIES.autoV2),
      versionBySha256: c.prepare<Record<string, string>, MatchRow>(IMAGE_QUERIES.versionBySha256),
      byStem: c.prepare<string[], MatchRow>(IMAGE_QUERIES.byStem),
    };
  }

  versionsInFolder(folderId: number): StoredImageVersion[] {
    return this.statements.versionsInFolder.all(folderId);
  }

  saveScanned(images: readonly ScannedImage[]): { added: number; changed: number } {
    let added = 0;
    let changed = 0;
    this.connection.transaction(() => {
      for (const image of images) {
        const values = {
          path: image.path,
          folderId: image.folderId,
          size: image.size,
          mtimeMs: image.mtimeMs,
          width: image.width,
          height: image.height,
          prompt: image.prompt,
          negativePrompt: image.negativePrompt,
          seed: image.seed,
          steps: image.steps,
          sampler: image.sampler,
          cfg: image.cfg,
          clipSkip: image.clipSkip,
          modelHash: image.modelHash,
          createdAt: image.createdAt,
          meta: JSON.stringify(image.meta),
        };
        let id = this.statements.idByPath.get(image.path)?.id;
        if (id === undefined) {
          id = this.statements.insert.get(values)!.id;
          added++;
        } else {
          this.statements.update.run({ ...values, id });
          changed++;
        }
        this.writeLinks(id, image.loras);
      }
    })();
    return { added, changed };
  }

  remove(ids: readonly number[]): void {
    if (ids.length > 0) this.statements.deleteImages.run(JSON.stringify(ids));
  }

  followMoves(moves: readonly { id: number; path: string; folderId: number }[]): void {
    if (moves.length === 0) return;
    const { deleteAtPath, movePath } = this.statements;
    this.connection.transaction(() => {
      for (const move of moves) {
        // The fresh row first: paths are unique.
        deleteAtPath.run(move.path, move.id);
        movePath.run(move.path, move.folderId, move.id);
      }
    })();
  }

  nextToRelink(afterId: number, limit: number): ImageToRelink[] {
    return this.statements.toRelink.all(afterId, limit).map(({ id }) => {
      const info = this.statements.relinkInfo.get(id)!;
      return {
        id,
        userId: info.user_id,
        createdAt: info.created_at,
        loraRefs: info.refs === null ? null : (JSON.parse(info.refs) as unknown),
        links: this.statements.linksOf.all(JSON.stringify([id])).map(toLink),
      };
    });
  }

  replaceLinks(updates: readonly { imageId: number; links: readonly ImageLoraLinkInput[] }[]): void {
    this.connection.transaction(() => {
      for (const { imageId, links } of updates) this.writeLinks(imageId, links);
    })();
  }

  list(params: ImageListParams, localUserId: number): ImageList {
    const { where, values, fullText, byReaction } = imageListWhere(params);
    let statement = this.listStatements.get(where);
    if (!statement) {
      const sql = imageListSql(where, fullText, byReaction);
      statement = { rows: this.connection.prepare(sql.rows), total: this.connection.prepare(sql.total) };
      this.listStatements.set(where, statement);
    }
    const bound = params.reaction === undefined ? values : { ...values, localUserId };
    const rows = statement.rows.all({ ...bound, limit: params.limit, offset: params.offset });
    const counted = statement.total.get(bound)?.total ?? 0;
    const capped = fullText && counted > FULL_TEXT_COUNT_CAP;
    return {
      total: capped ? FULL_TEXT_COUNT_CAP : counted,
      totalIsLowerBound: capped,
      items: this.toItems(rows, localUserId),
    };
  }

  get(id: number, localUserId: number): ImageListItem | undefined {
    const row = this.statements.itemById.get(id);
    return row && this.toItems([row], localUserId)[0];
  }

  react(userId: number, imageId: number, kind: ReactionKind, on?: boolean): ReactionFlags | undefined {
    return this.connection
      .transaction(() => {
        if (!this.statements.imageExists.get(imageId) || !this.statements.userExists.get(userId))
          return undefined;
        const current = this.statements.hasReaction.get(userId, imageId, kind) !== undefined;
        const wanted = on ?? !current;
        if (wanted && !current) this.statements.addReaction.run(userId, imageId, kind);
        if (!wanted && current) this.statements.removeReaction.run(userId, imageId, kind);
        const flags = noReactions();
        for (const row of this.statements.reactionsOf.all(userId, JSON.stringify([imageId])))
          flags[row.kind] = true;
        return flags;
      })
      .immediate();
  }

  pathOf(id: number): string | undefined {
    return this.statements.pathOf.get(id)?.path ?? undefined;
  }

  problemsOf(id: number): string[] {
    const raw = this.statements.problemsOf.get(id)?.problems;
    if (raw === null || raw === undefined) return [];
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed)
      ? parsed.map((p: unknown) =>
          typeof p === 'object' && p !== null && 'message' in p ? String(p.message) : String(p),
        )
      : [];
  }

  loraFileByAutoV3(hash: string): LoraMatch | undefined {
    return toMatch(this.statements.autoV3.get(hash));
  }

  loraFileByTensorHash(hash: string): LoraMatch | undefined {
    return toMatch(this.statements.tensorHash.get(hash));
  }

  loraFileBySha256(hash: string): LoraMatch | undefined {
    return toMatch(this.statements.sha256.get(hash));
  }

  loraFileBySha256Prefix(prefix: string): LoraMatch | undefined {
    return prefix === '' ? undefined : toMatch(this.statements.sha256Prefix.get(prefix, prefixEnd(prefix)));
  }

  loraFileByAutoV2(hash: string): LoraMatch | undefined {
    return toMatch(this.statements.autoV2.get(hash));
  }

  modelVersionBySha256(hashOrPrefix: string): LoraMatch | undefined {
    if (hashOrPrefix === '') return undefined;
    const lower = hashOrPrefix.toLowerCase();
    const upper = hashOrPrefix.toUpperCase();
    return toMatch(
      this.statements.versionBySha256.get({
        lower,
        lowerEnd: prefixEnd(lower),
        upper,
        upperEnd: prefixEnd(upper),
      }),
    );
  }

  loraFileByStem(stem: string): LoraMatch | undefined {
    return stem === ''
      ? undefined
      : toMatch(this.statements.byStem.get(...LORA_EXTENSIONS.map((ext) => stem + ext)));
  }

  private writeLinks(imageId: number, links: readonly ImageLoraLinkInput[]): void {
    this.statements.deleteLinks.run(imageId);
    for (const link of links) {
      this.statements.insertLink.run(
        imageId,
        link.modelVersionId,
        link.loraFileId,
        link.name,
        link.weight,
        link.matchRule,
      );
    }
    this.statements.deleteGenerated.run(imageId);
    this.statements.insertGenerated.run(imageId);
  }

  private toItems(rows: readonly ImageRow[], localUserId: number): ImageListItem[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const links = new Map<number, ImageListItem['loras']>();
    for (const link of this.statements.linksOf.all(ids)) {
      const list = links.get(link.image_id) ?? [];
      list.push(toLink(link));
      links.set(link.image_id, list);
    }
    const reactions = new Map<number, ReactionFlags>();
    for (const { image_id, kind } of this.statements.reactionsOf.all(localUserId, ids)) {
      const flags = reactions.get(image_id) ?? noReactions();
      flags[kind] = true;
      reactions.set(image_id, flags);
    }
    const counts = new Map(this.statements.countsOf.all(ids).map((c) => [c.image_id, c]));
    return rows.map((row) => {
      const count = counts.get(row.id);
      return {
        id: row.id,
        source: row.source,
        path: row.path,
        url: row.url,
        width: row.width,
        height: row.height,
        prompt: row.prompt,
        negativePrompt: row.negative_prompt,
        seed: row.seed,
        steps: row.steps,
        sampler: row.sampler,
        cfg: row.cfg,
        createdAt: row.created_at,
        userId: row.user_id,
        loras: links.get(row.id) ?? [],
        reactions: reactions.get(row.id) ?? noReactions(),
        reactionCounts: count
          ? {
              heart: count.heart_count,
              like: count.like_count,
              laugh: count.laugh_count,
              cry: count.cry_count,
            }
          : null,
      };
    });
  }
}

function toLink(row: LinkRow): ImageLoraLinkInput {
  return {
    name: row.name,
    weight: row.weight,
    loraFileId: row.lora_file_id,
    modelVersionId: row.model_version_id,
    matchRule: row.match_rule,
  };
}
