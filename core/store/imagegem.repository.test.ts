import { describe, expect, it } from 'vitest';
import { SqliteImageGemRepository } from './imagegem.repository';
import { imageRow, modelRow, NO_PROGRESS } from './imagegem.test-rows';
import { reactionBinsSelect } from './reaction-bins';
import { useTestDatabase } from './store.test-support';

describe('SqliteImageGemRepository', () => {
  const database = useTestDatabase();
  const count = (table: string): number =>
    database().connection.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

  it('resumes only an unfinished run over the same fingerprint, with its progress', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('abc');
    repo.saveProgress(run.id, { models: 10, images: 2000, skipped: 3 });
    repo.finishRun(run.id, 'failed', 'file cut short');

    expect(repo.resumeRun('other')).toBeUndefined();
    const resumed = repo.resumeRun('abc');
    expect(resumed).toEqual({
      id: run.id,
      fingerprint: 'abc',
      state: 'running',
      progress: { models: 10, images: 2000, skipped: 3 },
    });
    expect(database().connection.prepare('SELECT state, error, finished_at FROM import_runs').get()).toEqual({
      state: 'running',
      error: null,
      finished_at: null,
    });
    repo.finishRun(run.id, 'done');
    expect(repo.resumeRun('abc')).toBeUndefined();
  });

  it('writes an image used with two LoRA versions once, with two links and two interactions', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('x');
    repo.writeModels(
      run.id,
      [modelRow(1, { userHash: 'uploader', tags: ['anime', 'Anime', 'woman'] }), modelRow(2)],
      NO_PROGRESS,
    );
    const rows = [imageRow(50, 'alice', 1, { heartCount: 5 }), imageRow(50, 'alice', 2, { heartCount: 5 })];
    expect(repo.writeImages(run.id, rows, { models: 2, images: 2, skipped: 0 })).toEqual({
      usersAdded: 1,
      imagesAdded: 1,
      linksAdded: 2,
      placeholderVersions: 0,
    });
    expect([
      count('images'),
      count('image_loras'),
      count('interactions'),
      count('image_reaction_counts'),
    ]).toEqual([1, 2, 2, 1]);
    // Tags are one vocabulary whatever their case.
    expect(count('tags')).toBe(2);
    const interaction = database()
      .connection.prepare(
        `SELECT x.kind, x.created_at = i.created_at AS sameDate, x.user_id = i.user_id AS sameUser
         FROM interactions x JOIN images i ON i.id = x.image_id LIMIT 1`,
      )
      .get();
    expect(interaction).toEqual({ kind: 'generated', sameDate: 1, sameUser: 1 });
    expect(
      JSON.parse(
        database().connection.prepare('SELECT progress_json FROM import_runs').pluck().get() as string,
      ),
    ).toEqual({
      models: 2,
      images: 2,
      skipped: 0,
    });
  });

  it('adds nothing when the same batch is written again', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('x');
    const models = [modelRow(1, { tags: ['style'], trainedWords: ['ohwx'] })];
    const images = [
      imageRow(1, 'a', 1, { heartCount: 3, promptWords: 250 }),
      imageRow(2, 'b', 1),
      imageRow(2, 'b', 7),
    ];
    repo.writeModels(run.id, models, NO_PROGRESS);
    repo.writeImages(run.id, images, NO_PROGRESS);
    const tables = [
      'users',
      'models',
      'model_versions',
      'model_tags',
      'images',
      'image_loras',
      'interactions',
      'long_prompts',
      'image_fts',
    ];
    const before = tables.map(count);
    const bins = database().connection.prepare('SELECT * FROM reaction_bins ORDER BY kind, bin').all();
    expect(repo.writeModels(run.id, models, NO_PROGRESS)).toEqual({
      usersAdded: 0,
      modelsAdded: 0,
      versionsAdded: 0,
      tagsAdded: 0,
    });
    expect(repo.writeImages(run.id, images, NO_PROGRESS)).toEqual({
      usersAdded: 0,
      imagesAdded: 0,
      linksAdded: 0,
      placeholderVersions: 0,
    });
    expect(tables.map(count)).toEqual(before);
    expect(database().connection.prepare('SELECT * FROM reaction_bins ORDER BY kind, bin').all()).toEqual(
      bins,
    );
  });

  it('bulk-loads only when the incoming rows outnumber the stored images, and adds nothing twice in it', () => {
    const c = database().connection;
    const repo = new SqliteImageGemRepository(c);
    const run = repo.startRun('x');
    const indexes = (): number =>
      c
        .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'images'`)
        .pluck()
        .get() as number;
    const all = indexes();
    repo.writeModels(run.id, [modelRow(1)], NO_PROGRESS);
    repo.writeImages(run.id, [imageRow(1, 'a', 1), imageRow(2, 'b', 1)], NO_PROGRESS);

    expect(repo.beginImageBulkLoad(2)).toBe(false);
    expect(indexes()).toBe(all);
    expect(repo.beginImageBulkLoad(3)).toBe(true);
    expect(indexes()).toBeLessThan(all);
    repo.writeImages(
      run.id,
      [imageRow(2, 'b', 1), imageRow(3, 'c', 1, { prompt: 'a red fox' })],
      NO_PROGRESS,
    );
    const steps: number[] = [];
    repo.finishImageBulkLoad((done, total) => steps.push(total - done));
    expect(steps.at(-1)).toBe(1);
    expect(indexes()).toBe(all);
    expect(['images', 'image_loras', 'interactions'].map(count)).toEqual([3, 3, 3]);
    expect(c.prepare(`SELECT rowid FROM image_fts WHERE image_fts MATCH 'fox'`).pluck().all()).toEqual([3]);
    repo.finishImageBulkLoad();
  });

  it('keeps reaction bins equal to a recount of the counts through inserts, updates and deletes', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const c = database().connection;
    const run = repo.startRun('x');
    repo.writeModels(run.id, [modelRow(1)], NO_PROGRESS);
    const hearts = [0, 1, 2, 3, 4, 7, 8, 1000, 2 ** 31 + 5];
    repo.writeImages(
      run.id,
      hearts.map((h, i) => imageRow(i + 1, 'u', 1, { heartCount: h, likeCount: i })),
      NO_PROGRESS,
    );
    const recount = () =>
      c.prepare(`SELECT kind, bin, images FROM (${reactionBinsSelect('true')}) ORDER BY kind, bin`).all();
    const stored = () =>
      c.prepare('SELECT kind, bin, images FROM reaction_bins WHERE images > 0 ORDER BY kind, bin').all();
    expect(stored()).toEqual(recount());
    expect(
      c.prepare("SELECT bin, images FROM reaction_bins WHERE kind = 'heart' ORDER BY bin").all(),
    ).toEqual([
      { bin: 0, images: 1 },
      { bin: 1, images: 1 },
      { bin: 2, images: 2 },
      { bin: 3, images: 2 },
      { bin: 4, images: 1 },
      { bin: 10, images: 1 },
      { bin: 32, images: 1 },
    ]);
    c.exec(
      'UPDATE image_reaction_counts SET heart_count = heart_count + 1, cry_count = 9 WHERE image_id % 2 = 0',
    );
    expect(stored()).toEqual(recount());
    c.exec('DELETE FROM images WHERE id > 5');
    expect(stored()).toEqual(recount());
  });

  it('moves a placeholder version to its real model once the models table names it', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('x');
    expect(repo.writeImages(run.id, [imageRow(1, 'a', 77)], NO_PROGRESS).placeholderVersions).toBe(1);
    const placeholder = database().connection.prepare('SELECT name, civitai_id FROM models').get();
    expect(placeholder).toEqual({ name: 'Civitai version 77', civitai_id: null });

    const result = repo.writeModels(
      run.id,
      [modelRow(77, { modelId: 5, modelName: 'Real', baseModel: 'Pony' })],
      NO_PROGRESS,
    );
    expect(result).toMatchObject({ modelsAdded: 1, versionsAdded: 0 });
    expect(database().connection.prepare('SELECT id, civitai_id, name FROM models').all()).toEqual([
      { id: 2, civitai_id: 5, name: 'Real' },
    ]);
    expect(database().connection.prepare('SELECT base_model, name FROM model_versions').get()).toEqual({
      base_model: 'Pony',
      name: 'Real',
    });
    expect(count('interactions')).toBe(1);
  });

  it('does not erase what a sidecar stored when the table leaves a field empty', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('x');
    repo.writeModels(
      run.id,
      [modelRow(1, { baseModel: 'SDXL 1.0', trainedWords: ['ohwx'], fileName: 'a.safetensors' })],
      NO_PROGRESS,
    );
    repo.writeModels(run.id, [modelRow(1)], NO_PROGRESS);
    expect(
      database().connection.prepare('SELECT base_model, trained_words, file_name FROM model_versions').get(),
    ).toEqual({
      base_model: 'SDXL 1.0',
      trained_words: '["ohwx"]',
      file_name: 'a.safetensors',
    });
  });

  it('writes a batch larger than its staging table as one transaction, an image split across stagings once', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('x');
    repo.writeModels(run.id, [modelRow(1), modelRow(2)], NO_PROGRESS);
    // Rows 10,000 and 10,001 are one image with two versions, on both sides of the 10,000-row staging.
    const rows = Array.from({ length: 10_001 }, (_, i) =>
      imageRow(Math.min(i, 9_999), `user${i % 37}`, i === 10_000 ? 2 : 1, { heartCount: 1 }),
    );
    expect(repo.writeImages(run.id, rows, NO_PROGRESS)).toEqual({
      usersAdded: 37,
      imagesAdded: 10_000,
      linksAdded: 10_001,
      placeholderVersions: 0,
    });
    expect([count('image_reaction_counts'), count('interactions')]).toEqual([10_000, 10_001]);
    expect(
      database()
        .connection.prepare("SELECT images FROM reaction_bins WHERE kind = 'heart' AND bin = 1")
        .pluck()
        .get(),
    ).toBe(10_000);
  });

  it('keeps seeds beyond 2⁵³ exact', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('x');
    repo.writeImages(run.id, [imageRow(1, 'a', 1, { seed: 2n ** 62n + 1n })], NO_PROGRESS);
    const seed = database().connection.prepare('SELECT seed FROM images').safeIntegers().pluck().get();
    expect(seed).toBe(2n ** 62n + 1n);
  });

  it('rolls a failed batch back whole, progress included', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('x');
    const bad = imageRow(2, 'a', 1, { heartCount: -1 });
    expect(() =>
      repo.writeImages(run.id, [imageRow(1, 'a', 1), bad], { models: 0, images: 2, skipped: 0 }),
    ).toThrow(/CHECK/);
    expect([count('images'), count('users'), count('model_versions')]).toEqual([0, 1, 0]);
    expect(repo.resumeRun('x')?.progress.images).toBe(0);
  });
});
