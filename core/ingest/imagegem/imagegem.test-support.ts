import { afterEach, beforeEach } from 'vitest';
import { openDatabase, SqliteImageGemRepository } from '../../store';
import type { SqliteAtelierDatabase } from '../../store';
import { tempDir } from '../../testing';
import type { ExpectedCounts } from './fixtures/imagegem.generator';
import { ImageGemImporter } from './imagegem.importer';
import type {
  ImageGemImporterOptions,
  ImageGemImportInput,
  ImageGemImportSummary,
  ImportContext,
} from './imagegem.importer';

/** What an import stored, by Civitai ids where our own ids could differ between two equal imports. */
export function snapshot(db: SqliteAtelierDatabase) {
  const one = (sql: string): unknown => db.connection.prepare(sql).pluck().get();
  return {
    users: one('SELECT count(*) FROM users WHERE is_local = 0'),
    models: one('SELECT count(*) FROM models'),
    versions: one('SELECT count(*) FROM model_versions'),
    tags: one('SELECT count(*) FROM tags'),
    modelTags: one('SELECT count(*) FROM model_tags'),
    images: one('SELECT count(*) FROM images'),
    links: one("SELECT count(*) FROM image_loras WHERE match_rule = 'dataset'"),
    interactions: one('SELECT count(*) FROM interactions'),
    longPrompts: one('SELECT count(*) FROM long_prompts'),
    searchable: one('SELECT count(*) FROM image_fts'),
    reactionTotals: JSON.parse(
      one(`SELECT json_object('heart', sum(heart_count), 'like', sum(like_count), 'laugh', sum(laugh_count),
             'cry', sum(cry_count), 'dislike', sum(dislike_count), 'comment', sum(comment_count))
           FROM image_reaction_counts`) as string,
    ) as unknown,
    reactionBins: one(
      "SELECT group_concat(kind || bin || '=' || images, ',') FROM reaction_bins WHERE images > 0",
    ),
    interactionKeys:
      one(`SELECT sum(i.civitai_image_id % 1000003 * 7 + v.civitai_version_id) FROM interactions x
                            JOIN images i ON i.id = x.image_id JOIN model_versions v ON v.id = x.model_version_id`),
    interactionUsers: one(`SELECT count(*) FROM interactions x JOIN images i ON i.id = x.image_id
                             WHERE x.user_id = i.user_id AND x.created_at = i.created_at`),
  };
}

/** The parts of a snapshot a generated sample predicts. */
export function expectedSnapshot(expected: ExpectedCounts) {
  return {
    users: expected.users,
    models: expected.models,
    versions: expected.versions,
    tags: expected.tags,
    modelTags: expected.modelTags,
    images: expected.images,
    links: expected.links,
    interactions: expected.interactions,
    longPrompts: expected.longPrompts,
    searchable: expected.images,
    reactionTotals: expected.reactionTotals,
    interactionUsers: expected.interactions,
  };
}

export const quietContext = (signal: AbortSignal = new AbortController().signal): ImportContext => ({
  signal,
  report: () => undefined,
});

export interface ImportFixture {
  readonly dir: string;
  readonly db: SqliteAtelierDatabase;
  importer(options?: ImageGemImporterOptions): ImageGemImporter;
  run(
    input: Partial<ImageGemImportInput>,
    context?: ImportContext,
    options?: ImageGemImporterOptions,
  ): Promise<ImageGemImportSummary>;
  /** Closes and reopens the database, as a restarted app would. */
  reopen(): SqliteAtelierDatabase;
}

/** A temp folder and a migrated database per test. */
export function useImportFixture(): () => ImportFixture {
  let folder: ReturnType<typeof tempDir> | undefined;
  let db: SqliteAtelierDatabase | undefined;
  beforeEach(() => {
    folder = tempDir('atelier-imagegem-');
    db = openDatabase({ path: `${folder.path}/atelier.db` });
  });
  afterEach(() => {
    db?.dispose();
    folder?.dispose();
    db = undefined;
    folder = undefined;
  });
  return () => {
    if (!folder || !db) throw new Error('useImportFixture() is only usable inside a test');
    const dir = folder.path;
    const fixture: ImportFixture = {
      dir,
      get db() {
        return db!;
      },
      importer: (options) => new ImageGemImporter(new SqliteImageGemRepository(db!.connection), options),
      run: (input, context = quietContext(), options = { batchRows: 500 }) =>
        fixture.importer(options).run({ format: 'auto', ...input }, context),
      reopen: () => {
        db!.dispose();
        db = openDatabase({ path: `${dir}/atelier.db` });
        return db;
      },
    };
    return fixture;
  };
}
