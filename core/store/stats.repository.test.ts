import { describe, expect, it } from 'vitest';
import { DatasetStats } from '../api';
import { IMAGEGEM_QUERIES, SqliteImageGemRepository } from './imagegem.repository';
import { imageRow, modelRow, NO_PROGRESS } from './imagegem.test-rows';
import { reactionBinLabel } from './reaction-bins';
import { SqliteStatsRepository, STATS_QUERIES } from './stats.repository';
import { useTestDatabase } from './store.test-support';

const words = (n: number): string => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

describe('SqliteStatsRepository', () => {
  const database = useTestDatabase();

  /**
   * A sample small enough to count by hand: alice made 3 images (versions 1, 2 on one, 1 on two others),
   * bob 2 (version 3), carol 1 with all three versions; the local artist has one image of her own.
   */
  function loadSample(): void {
    const repo = new SqliteImageGemRepository(database().connection);
    const run = repo.startRun('sample');
    repo.writeModels(run.id, [modelRow(1), modelRow(2), modelRow(3)], NO_PROGRESS);
    const hearts = [0, 1, 2, 3, 5, 100];
    const long = [201, 201, 250, 300, null, null];
    const images = [
      imageRow(1, 'alice', 1),
      imageRow(1, 'alice', 2),
      imageRow(2, 'alice', 1),
      imageRow(3, 'alice', 1),
      imageRow(4, 'bob', 3),
      imageRow(5, 'bob', 3),
      imageRow(6, 'carol', 1),
      imageRow(6, 'carol', 2),
      imageRow(6, 'carol', 3),
    ].map((row) => {
      const k = row.imageId - 1;
      return {
        ...row,
        heartCount: hearts[k]!,
        likeCount: 1,
        promptWords: long[k]!,
        prompt: long[k] ? words(long[k]) : row.prompt,
      };
    });
    repo.writeImages(run.id, images, NO_PROGRESS);
    database().connection.exec(
      "INSERT INTO images (path, source, prompt) VALUES ('/art/mine.png', 'local', 'a cat')",
    );
  }

  it('re-creates Figs. 6–9 and the totals from what is loaded', () => {
    loadSample();
    const stats = new SqliteStatsRepository(database().connection).datasetStats();

    expect(DatasetStats.parse(stats)).toEqual(stats);
    expect(stats.totals).toEqual({ users: 3, images: 7, models: 3, loraFiles: 0 });
    expect(stats.reactions.map((r) => r.kind)).toEqual(['heart', 'like', 'laugh', 'cry']);
    expect(stats.reactions[0]!.buckets).toEqual([
      { label: '0', count: 1 },
      { label: '1', count: 1 },
      { label: '2–3', count: 2 },
      { label: '4–7', count: 1 },
      { label: '8–15', count: 0 },
      { label: '16–31', count: 0 },
      { label: '32–63', count: 0 },
      { label: '64–127', count: 1 },
    ]);
    expect(stats.reactions[1]!.buckets).toEqual([
      { label: '0', count: 0 },
      { label: '1', count: 6 },
    ]);
    expect(stats.reactions[3]!.buckets).toEqual([{ label: '0', count: 6 }]);
    expect(stats.topUsersByImages).toEqual([
      { label: 'User 1', count: 3 },
      { label: 'User 2', count: 2 },
      { label: 'User 3', count: 1 },
    ]);
    expect(stats.topUsersByModels).toEqual([
      { label: 'User 1', count: 3 },
      { label: 'User 2', count: 2 },
      { label: 'User 3', count: 1 },
    ]);
    expect(stats.longPrompts).toEqual({
      count: 4,
      cdf: [
        { words: 201, fraction: 0.5 },
        { words: 250, fraction: 0.75 },
        { words: 300, fraction: 1 },
      ],
    });
  });

  it('is empty, not failing, on an empty database', () => {
    const stats = new SqliteStatsRepository(database().connection).datasetStats();
    expect(stats).toEqual({
      totals: { users: 0, images: 0, models: 0, loraFiles: 0 },
      reactions: ['heart', 'like', 'laugh', 'cry'].map((kind) => ({ kind, buckets: [] })),
      topUsersByImages: [],
      topUsersByModels: [],
      longPrompts: { count: 0, cdf: [] },
    });
  });

  it('recounts the reaction bins when a writer added counts without them', () => {
    loadSample();
    const repo = new SqliteStatsRepository(database().connection);
    expect(repo.repairReactionBins()).toBe(false);
    database().connection.exec(
      "INSERT INTO images (id, url, source) VALUES (99, 'u', 'imagegem'); INSERT INTO image_reaction_counts (image_id, heart_count) VALUES (99, 40)",
    );
    expect(repo.datasetStats().reactions[0]!.buckets.find((b) => b.label === '32–63')).toEqual({
      label: '32–63',
      count: 1,
    });
    expect(repo.repairReactionBins()).toBe(false);
  });

  it('changes its signature when images or interactions are added', () => {
    loadSample();
    const repo = new SqliteStatsRepository(database().connection);
    const before = repo.signature();
    expect(repo.signature()).toBe(before);
    database().connection.exec("INSERT INTO images (path, source) VALUES ('/art/two.png', 'local')");
    expect(repo.signature()).not.toBe(before);
  });

  it('labels bins as powers of two', () => {
    expect([0, 1, 2, 3, 4, 11].map(reactionBinLabel)).toEqual(['0', '1', '2–3', '4–7', '8–15', '1024–2047']);
  });
});

describe('hot queries of the ImageGem import and the statistics', () => {
  const database = useTestDatabase();

  function plan(sql: string, ...params: unknown[]): string {
    return (
      database()
        .connection.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join('\n');
  }

  it('top users by images and by LoRA versions read covering indexes, never the tables', () => {
    const images = plan(STATS_QUERIES.topUsersByImages);
    expect(images).toMatch(/SCAN images USING COVERING INDEX images_user_id_created_at/);
    expect(images).toMatch(/SEARCH u USING INTEGER PRIMARY KEY/);
    const models = plan(STATS_QUERIES.topUsersByModels);
    expect(models).toMatch(/SCAN interactions USING COVERING INDEX interactions_user_id_model_version_id/);
    expect(models).not.toMatch(/SCAN interactions\b(?! USING COVERING)/);
  });

  it('each statement of an image batch looks rows up by index, scanning only the batch', () => {
    const repo = new SqliteImageGemRepository(database().connection);
    repo.writeImages(repo.startRun('x').id, [], NO_PROGRESS);
    const q = IMAGEGEM_QUERIES;
    expect(plan(q.addUsers)).toMatch(/SCAN temp\.imagegem_stage/);
    expect(plan(q.addImages)).toMatch(
      /SEARCH u USING (COVERING )?INDEX sqlite_autoindex_users_\d \(hash=\?\)/,
    );
    for (const sql of [q.addReactionCounts, q.addLongPrompts, q.addLinks]) {
      const detail = sql.includes('?') ? plan(sql, 0) : plan(sql);
      expect(detail).toMatch(/SCAN s\b/);
      expect(detail).toMatch(
        /SEARCH i USING (COVERING )?INDEX sqlite_autoindex_images_\d \(civitai_image_id=\?( AND rowid>\?)?\)/,
      );
      expect(detail).not.toMatch(/SCAN (images|image_loras|model_versions|interactions)/);
    }
    expect(plan(q.addLinks)).toMatch(
      /SEARCH v USING (COVERING )?INDEX sqlite_autoindex_model_versions_\d \(civitai_version_id=\?\)/,
    );
    expect(plan(q.addInteractions, 0)).toMatch(/SEARCH l USING INTEGER PRIMARY KEY \(rowid>\?\)/);
  });
});
