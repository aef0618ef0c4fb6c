import type Database from 'better-sqlite3';
import { LONG_PROMPT_WORDS } from './imagegem.types';
import { beginBulkLoad, finishBulkLoad } from './bulk-load';
import type { BulkLoadPlan } from './bulk-load';
import { REACTION_KINDS, reactionBin } from './reaction-bins';
import type {
  ImageBatchResult,
  ImageGemImageRow,
  ImageGemModelRow,
  ImageGemRepository,
  ImportProgress,
  ImportRun,
  ImportRunState,
  ModelBatchResult,
} from './imagegem.types';

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
const SOURCE = 'imagegem';

/**
 * Image rows go through a temporary table and then into the real tables with one statement per table
 * and batch. Row-at-a-time inserts cost 2–3× more: every statement pays the FTS5 trigger on `images`
 * its own savepoint, and every row pays a round trip from JavaScript per table.
 */
const STAGE_COLUMNS = [
  'image_id',
  'user_hash',
  'version_id',
  'url',
  'prompt',
  'negative_prompt',
  'seed',
  'steps',
  'sampler',
  'cfg',
  'clip_skip',
  'width',
  'height',
  'nsfw_level',
  'created_at',
  'heart',
  'like_',
  'laugh',
  'cry',
  'dislike',
  'comment',
  'words',
] as const;
const STAGE = 'temp.imagegem_stage';
/** Rows per staging INSERT: 22 parameters each stays far below SQLite's 32,766-variable limit. */
const STAGE_ROWS_PER_STATEMENT = 200;
/** Rows staged at a time within a batch (about 12 MB of staged text). */
const STAGE_ROWS = 10_000;

function stageValues(row: ImageGemImageRow, into: unknown[]): void {
  into.push(
    row.imageId,
    row.userHash,
    row.versionId,
    row.url,
    row.prompt,
    row.negativePrompt,
    row.seed,
    row.steps,
    row.sampler,
    row.cfg,
    row.clipSkip,
    row.width,
    row.height,
    row.nsfwLevel,
    row.createdAt,
    row.heartCount,
    row.likeCount,
    row.laughCount,
    row.cryCount,
    row.dislikeCount,
    row.commentCount,
    row.promptWords,
  );
}

/** The set-based statements of one image batch, shared with the query-plan test. */
export const IMAGEGEM_QUERIES = {
  addUsers: `
    INSERT INTO users (hash, name) SELECT user_hash, substr(user_hash, 1, 12) FROM ${STAGE} WHERE true
    ON CONFLICT (hash) DO NOTHING`,
  missingVersions: `
    SELECT DISTINCT s.version_id AS versionId FROM ${STAGE} s
    WHERE NOT EXISTS (SELECT 1 FROM model_versions v WHERE v.civitai_version_id = s.version_id)`,
  addImages: `
    INSERT INTO images (source, civitai_image_id, user_id, url, prompt, negative_prompt, seed, steps, sampler,
      cfg, clip_skip, width, height, nsfw_level, created_at)
    SELECT '${SOURCE}', s.image_id, u.id, s.url, s.prompt, s.negative_prompt, s.seed, s.steps, s.sampler,
      s.cfg, s.clip_skip, s.width, s.height, s.nsfw_level, coalesce(s.created_at, ${NOW})
    FROM ${STAGE} s JOIN users u ON u.hash = s.user_hash
    ORDER BY s.rowid
    ON CONFLICT (civitai_image_id) DO NOTHING`,
  addReactionCounts: `
    INSERT INTO image_reaction_counts (image_id, heart_count, like_count, laugh_count, cry_count,
      dislike_count, comment_count)
    SELECT i.id, s.heart, s.like_, s.laugh, s.cry, s.dislike, s.comment
    FROM ${STAGE} s JOIN images i ON i.civitai_image_id = s.image_id
    WHERE i.id > ?
    ORDER BY s.rowid
    ON CONFLICT (image_id) DO NOTHING
    RETURNING heart_count, like_count, laugh_count, cry_count`,
  // Migration 0005 has no insert trigger on counts (it cost a third of the import): the rows the
  // statement above returns, exactly the new ones, are tallied here.
  addReactionBins: `
    INSERT INTO reaction_bins (kind, bin, images) VALUES (?, ?, ?)
    ON CONFLICT (kind, bin) DO UPDATE SET images = images + excluded.images`,
  addLongPrompts: `
    INSERT INTO long_prompts (image_id, words)
    SELECT i.id, s.words FROM ${STAGE} s JOIN images i ON i.civitai_image_id = s.image_id
    WHERE s.words > ${LONG_PROMPT_WORDS} AND i.id > ?
    ON CONFLICT (image_id) DO NOTHING`,
  addLinks: `
    INSERT INTO image_loras (image_id, model_version_id, match_rule)
    SELECT i.id, v.id, 'dataset'
    FROM ${STAGE} s
      JOIN images i ON i.civitai_image_id = s.image_id
      JOIN model_versions v ON v.civitai_version_id = s.version_id
    WHERE true
    ON CONFLICT DO NOTHING`,
  // Each new dataset link is one generation event; links that already existed add none, so re-runs add
  // nothing twice. New links are exactly those above the batch's first link id.
  addInteractions: `
    INSERT INTO interactions (user_id, model_version_id, image_id, kind, created_at)
    SELECT i.user_id, l.model_version_id, l.image_id, 'generated', i.created_at
    FROM image_loras l JOIN images i ON i.id = l.image_id
    WHERE l.id > ?
    ORDER BY l.id`,
} as const;

/**
 * What a large image import drops and builds again (see `bulk-load.ts`). At 1M rows (719k images) keeping
 * the twelve non-unique indexes of these tables and the FTS5 index up to date row by row cost 63 s of CPU
 * for the whole import; writing the rows without them and building them afterwards costs ~50 s (of which
 * CREATE INDEX ~7 s, the FTS5 rebuild ~13 s).
 */
const IMAGE_BULK_LOAD: BulkLoadPlan = {
  tables: ['images', 'image_loras', 'interactions'],
  triggers: ['images_fts_insert'],
  fts: ['image_fts'],
};

interface RunRow {
  id: number;
  fingerprint: string;
  state: ImportRunState;
  progress_json: string;
}

function toRun(row: RunRow): ImportRun {
  const parsed = JSON.parse(row.progress_json) as Partial<ImportProgress>;
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    state: row.state,
    progress: { models: parsed.models ?? 0, images: parsed.images ?? 0, skipped: parsed.skipped ?? 0 },
  };
}

function licenceJson(licence: ImageGemModelRow['licence']): string | null {
  return licence === null ? null : JSON.stringify(licence);
}

export interface ImageGemRepositoryOptions {
  /**
   * Page cache while an import runs. Each image row updates about fifteen B-trees (six indexes on
   * images, FTS, links, interactions) at keys spread over the whole index; with SQLite's default 16 MiB
   * most of those pages are read back from disk at 1M rows.
   */
  readonly bulkCacheMiB?: number;
}

type StageStatements = ReturnType<SqliteImageGemRepository['prepareStage']>;

/** better-sqlite3 over the tables of 0001 and 0005; see {@link ImageGemRepository}. */
export class SqliteImageGemRepository implements ImageGemRepository {
  private readonly statements: ReturnType<SqliteImageGemRepository['prepare']>;
  private readonly bulkCacheMiB: number;
  private stageStatements: StageStatements | undefined;

  constructor(
    private readonly connection: Database.Database,
    options: ImageGemRepositoryOptions = {},
  ) {
    this.statements = this.prepare();
    this.bulkCacheMiB = options.bulkCacheMiB ?? 128;
  }

  beginBulkWrites(): () => void {
    const previous = this.connection.pragma('cache_size', { simple: true }) as number;
    this.connection.pragma(`cache_size = ${-this.bulkCacheMiB * 1024}`);
    return () => {
      if (this.connection.open) this.connection.pragma(`cache_size = ${previous}`);
    };
  }

  beginImageBulkLoad(incomingRows: number): boolean {
    if (incomingRows <= this.statements.storedRows.get()!) return false;
    return beginBulkLoad(this.connection, IMAGE_BULK_LOAD);
  }

  finishImageBulkLoad(onStep?: (done: number, total: number) => void): void {
    finishBulkLoad(this.connection, (step) => onStep?.(step.done, step.total));
  }

  private prepare() {
    const c = this.connection;
    return {
      findRun: c.prepare<[string, string], RunRow>(
        `SELECT id, fingerprint, state, progress_json FROM import_runs
         WHERE source = ? AND fingerprint = ? AND state <> 'done' ORDER BY id DESC LIMIT 1`,
      ),
      reopenRun: c.prepare<[number]>(
        `UPDATE import_runs SET state = 'running', error = NULL, finished_at = NULL WHERE id = ?`,
      ),
      insertRun: c.prepare<[string, string], RunRow>(
        `INSERT INTO import_runs (source, fingerprint, state, progress_json) VALUES (?, ?, 'running', '{}')
         RETURNING id, fingerprint, state, progress_json`,
      ),
      saveProgress: c.prepare<[string, number]>('UPDATE import_runs SET progress_json = ? WHERE id = ?'),
      finishRun: c.prepare<[string, string | null, number]>(
        `UPDATE import_runs SET state = ?, error = ?, finished_at = ${NOW} WHERE id = ?`,
      ),
      addUser: c.prepare<[string, string]>(
        'INSERT INTO users (hash, name) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING',
      ),
      userId: c.prepare<[string], number>('SELECT id FROM users WHERE hash = ?').pluck(),
      modelByCivitai: c.prepare<[number], number>('SELECT id FROM models WHERE civitai_id = ?').pluck(),
      insertModel: c.prepare<Record<string, unknown>>(
        `INSERT INTO models (civitai_id, name, type, creator_user_id, nsfw, licence_json)
         VALUES (@civitaiId, @name, coalesce(@type, 'LORA'), @creator, coalesce(@nsfw, 0), @licence)`,
      ),
      // Only what the row says overwrites, so the scanner's sidecar data survives a re-import.
      updateModel: c.prepare<Record<string, unknown>>(
        `UPDATE models SET name = @name, type = coalesce(@type, type),
           creator_user_id = coalesce(@creator, creator_user_id), nsfw = coalesce(@nsfw, nsfw),
           licence_json = coalesce(@licence, licence_json), updated_at = ${NOW}
         WHERE id = @id AND (name IS NOT @name OR type IS NOT coalesce(@type, type)
           OR creator_user_id IS NOT coalesce(@creator, creator_user_id) OR nsfw IS NOT coalesce(@nsfw, nsfw)
           OR licence_json IS NOT coalesce(@licence, licence_json))`,
      ),
      versionByCivitai: c.prepare<[number], { id: number; model_id: number }>(
        'SELECT id, model_id FROM model_versions WHERE civitai_version_id = ?',
      ),
      insertVersion: c.prepare<Record<string, unknown>>(
        `INSERT INTO model_versions (civitai_version_id, model_id, name, base_model, trained_words, file_name,
           download_url, nsfw_level)
         VALUES (@versionId, @modelId, @name, @baseModel, @trainedWords, @fileName, @downloadUrl, @nsfwLevel)`,
      ),
      updateVersion: c.prepare<Record<string, unknown>>(
        `UPDATE model_versions SET model_id = @modelId, name = @name,
           base_model = coalesce(@baseModel, base_model),
           trained_words = CASE WHEN @trainedWords = '[]' THEN trained_words ELSE @trainedWords END,
           file_name = coalesce(@fileName, file_name), download_url = coalesce(@downloadUrl, download_url),
           nsfw_level = coalesce(@nsfwLevel, nsfw_level), updated_at = ${NOW}
         WHERE id = @id AND (model_id IS NOT @modelId OR name IS NOT @name
           OR base_model IS NOT coalesce(@baseModel, base_model)
           OR trained_words IS NOT (CASE WHEN @trainedWords = '[]' THEN trained_words ELSE @trainedWords END)
           OR file_name IS NOT coalesce(@fileName, file_name)
           OR download_url IS NOT coalesce(@downloadUrl, download_url)
           OR nsfw_level IS NOT coalesce(@nsfwLevel, nsfw_level))`,
      ),
      // A placeholder made for a version the models table lacked goes once that version has its model.
      dropPlaceholder: c.prepare<[number, number]>(
        `DELETE FROM models WHERE id = ? AND civitai_id IS NULL AND meta_json ->> '$.placeholderForVersion' IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM model_versions WHERE model_id = ?)`,
      ),
      addTag: c.prepare<[string]>('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING'),
      addModelTag: c.prepare<[number, string]>(
        `INSERT INTO model_tags (model_id, tag_id) SELECT ?, id FROM tags WHERE name = ?
         ON CONFLICT (model_id, tag_id) DO NOTHING`,
      ),
      addPlaceholderModel: c
        .prepare<[string, string], number>('INSERT INTO models (name, meta_json) VALUES (?, ?) RETURNING id')
        .pluck(),
      addPlaceholderVersion: c.prepare<[number, number, string]>(
        'INSERT INTO model_versions (civitai_version_id, model_id, name) VALUES (?, ?, ?)',
      ),
      // An image row is one link (an image used with two LoRAs is two rows): links count the rows stored.
      storedRows: c
        .prepare<[], number>('SELECT max((SELECT count(*) FROM images), (SELECT count(*) FROM image_loras))')
        .pluck(),
      maxImageId: c.prepare<[], number>('SELECT ifnull(max(id), 0) FROM images').pluck(),
      maxLinkId: c.prepare<[], number>('SELECT ifnull(max(id), 0) FROM image_loras').pluck(),
    };
  }

  resumeRun(fingerprint: string): ImportRun | undefined {
    const row = this.statements.findRun.get(SOURCE, fingerprint);
    if (!row) return undefined;
    this.statements.reopenRun.run(row.id);
    return { ...toRun(row), state: 'running' };
  }

  startRun(fingerprint: string): ImportRun {
    return toRun(this.statements.insertRun.get(SOURCE, fingerprint)!);
  }

  saveProgress(runId: number, progress: ImportProgress): void {
    this.statements.saveProgress.run(JSON.stringify(progress), runId);
  }

  finishRun(runId: number, state: Exclude<ImportRunState, 'running'>, error?: string): void {
    this.statements.finishRun.run(state, error ?? null, runId);
  }

  writeModels(runId: number, rows: readonly ImageGemModelRow[], progress: ImportProgress): ModelBatchResult {
    return this.connection.transaction(() => {
      const s = this.statements;
      let usersAdded = 0;
      let modelsAdded = 0;
      let versionsAdded = 0;
      let tagsAdded = 0;
      for (const row of rows) {
        let creator: number | null = null;
        if (row.userHash !== null) {
          usersAdded += s.addUser.run(row.userHash, row.userHash.slice(0, 12)).changes;
          creator = s.userId.get(row.userHash) ?? null;
        }
        const model = {
          civitaiId: row.modelId,
          name: row.modelName,
          type: row.type,
          creator,
          // Civitai levels are flags (1 PG, 2 PG-13, 4 R, 8 X, 16 XXX); `models.nsfw` is yes or no.
          nsfw: row.nsfwLevel === null ? null : row.nsfwLevel >= 4 ? 1 : 0,
          licence: licenceJson(row.licence),
        };
        let modelId = s.modelByCivitai.get(row.modelId);
        if (modelId === undefined) {
          modelId = Number(s.insertModel.run(model).lastInsertRowid);
          modelsAdded++;
        } else {
          s.updateModel.run({ ...model, id: modelId });
        }
        const version = {
          versionId: row.versionId,
          modelId,
          name: row.versionName ?? row.modelName,
          baseModel: row.baseModel,
          trainedWords: JSON.stringify(row.trainedWords),
          fileName: row.fileName,
          downloadUrl: row.downloadUrl,
          nsfwLevel: row.nsfwLevel,
        };
        const existing = s.versionByCivitai.get(row.versionId);
        if (existing === undefined) {
          s.insertVersion.run(version);
          versionsAdded++;
        } else {
          s.updateVersion.run({ ...version, id: existing.id });
          if (existing.model_id !== modelId) s.dropPlaceholder.run(existing.model_id, existing.model_id);
        }
        for (const tag of row.tags) {
          tagsAdded += s.addTag.run(tag).changes;
          s.addModelTag.run(modelId, tag);
        }
      }
      s.saveProgress.run(JSON.stringify(progress), runId);
      return { usersAdded, modelsAdded, versionsAdded, tagsAdded };
    })();
  }

  writeImages(runId: number, rows: readonly ImageGemImageRow[], progress: ImportProgress): ImageBatchResult {
    const stage = this.stage();
    return this.connection.transaction(() => {
      const total = { usersAdded: 0, imagesAdded: 0, linksAdded: 0, placeholderVersions: 0 };
      // Large transactions write each touched index page to the WAL once for many rows; a small staging
      // table stays in the temporary database's cache instead of spilling to its file.
      for (let start = 0; start < rows.length; start += STAGE_ROWS) {
        const part = this.writeStaged(stage, rows.slice(start, start + STAGE_ROWS));
        total.usersAdded += part.usersAdded;
        total.imagesAdded += part.imagesAdded;
        total.linksAdded += part.linksAdded;
        total.placeholderVersions += part.placeholderVersions;
      }
      this.statements.saveProgress.run(JSON.stringify(progress), runId);
      return total;
    })();
  }

  private writeStaged(stage: StageStatements, rows: readonly ImageGemImageRow[]): ImageBatchResult {
    const s = this.statements;
    this.fillStage(rows, stage.insertMany, stage.insertOne);
    const usersAdded = stage.addUsers.run().changes;
    const placeholderVersions = this.addPlaceholders(stage.missingVersions.all());
    const lastImageId = s.maxImageId.get() ?? 0;
    const imagesAdded = stage.addImages.run().changes;
    this.addReactionBins(stage.addReactionCounts.all(lastImageId), stage.addReactionBins);
    stage.addLongPrompts.run(lastImageId);
    const lastLinkId = s.maxLinkId.get() ?? 0;
    const linksAdded = stage.addLinks.run().changes;
    stage.addInteractions.run(lastLinkId);
    stage.clear.run();
    return { usersAdded, imagesAdded, linksAdded, placeholderVersions };
  }

  /** `counts`: heart, like, laugh and cry of each new image, in {@link REACTION_KINDS} order. */
  private addReactionBins(
    counts: readonly number[][],
    upsert: Database.Statement<[string, number, number]>,
  ): void {
    const tally = REACTION_KINDS.map(() => new Map<number, number>());
    for (const row of counts) {
      for (let k = 0; k < tally.length; k++) {
        const bin = reactionBin(row[k]!);
        tally[k]!.set(bin, (tally[k]!.get(bin) ?? 0) + 1);
      }
    }
    tally.forEach((bins, k) => {
      for (const [bin, images] of bins) upsert.run(REACTION_KINDS[k]!, bin, images);
    });
  }

  private addPlaceholders(versionIds: readonly number[]): number {
    for (const versionId of versionIds) {
      const name = `Civitai version ${versionId}`;
      const modelId = this.statements.addPlaceholderModel.get(
        name,
        JSON.stringify({ placeholderForVersion: versionId }),
      )!;
      this.statements.addPlaceholderVersion.run(versionId, modelId, name);
    }
    return versionIds.length;
  }

  private fillStage(
    rows: readonly ImageGemImageRow[],
    insertMany: Database.Statement<unknown[]>,
    insertOne: Database.Statement<unknown[]>,
  ): void {
    const values: unknown[] = [];
    let i = 0;
    for (; i + STAGE_ROWS_PER_STATEMENT <= rows.length; i += STAGE_ROWS_PER_STATEMENT) {
      values.length = 0;
      for (let k = i; k < i + STAGE_ROWS_PER_STATEMENT; k++) stageValues(rows[k]!, values);
      insertMany.run(values);
    }
    for (; i < rows.length; i++) {
      values.length = 0;
      stageValues(rows[i]!, values);
      insertOne.run(values);
    }
  }

  /**
   * The staging table and its statements, made on first use: a temporary table lives per connection, and
   * statements over it can only be prepared once it exists.
   */
  private stage(): StageStatements {
    if (!this.stageStatements) {
      this.connection.exec(`CREATE TEMP TABLE IF NOT EXISTS imagegem_stage (${STAGE_COLUMNS.join(', ')})`);
      this.stageStatements = this.prepareStage();
    }
    return this.stageStatements;
  }

  private prepareStage() {
    const c = this.connection;
    const one = `(${STAGE_COLUMNS.map(() => '?').join(', ')})`;
    const insert = `INSERT INTO ${STAGE} (${STAGE_COLUMNS.join(', ')}) VALUES `;
    return {
      insertMany: c.prepare<unknown[]>(insert + Array<string>(STAGE_ROWS_PER_STATEMENT).fill(one).join(', ')),
      insertOne: c.prepare<unknown[]>(insert + one),
      addUsers: c.prepare(IMAGEGEM_QUERIES.addUsers),
      missingVersions: c.prepare<[], number>(IMAGEGEM_QUERIES.missingVersions).pluck(),
      addImages: c.prepare(IMAGEGEM_QUERIES.addImages),
      addReactionCounts: c.prepare<[number], number[]>(IMAGEGEM_QUERIES.addReactionCounts).raw(),
      addReactionBins: c.prepare<[string, number, number]>(IMAGEGEM_QUERIES.addReactionBins),
      addLongPrompts: c.prepare<[number]>(IMAGEGEM_QUERIES.addLongPrompts),
      addInteractions: c.prepare<[number]>(IMAGEGEM_QUERIES.addInteractions),
      addLinks: c.prepare(IMAGEGEM_QUERIES.addLinks),
      clear: c.prepare(`DELETE FROM ${STAGE}`),
    };
  }
}
