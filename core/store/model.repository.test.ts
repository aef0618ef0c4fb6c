import { describe, expect, it } from 'vitest';
import type { ModelIdentity } from './lora-file.types';
import { SqliteModelRepository } from './model.repository';
import { useTestDatabase } from './store.test-support';

function identity(overrides: Partial<ModelIdentity> = {}): ModelIdentity {
  return {
    civitaiModelId: null,
    civitaiVersionId: null,
    modelName: 'Local',
    versionName: 'local',
    baseModel: 'sdxl',
    trainedWords: [],
    tags: null,
    description: null,
    nsfw: null,
    versionMeta: null,
    ...overrides,
  };
}

const file = (currentVersionId: number | null = null) => ({
  path: '/l/a.safetensors',
  fileName: 'a.safetensors',
  currentVersionId,
});

describe('SqliteModelRepository.resolve', () => {
  const database = useTestDatabase();
  const rows = (sql: string) => database().connection.prepare(sql).all();

  it('gives a file without Civitai ids a local model and version, and reuses them on the next scan', () => {
    const models = new SqliteModelRepository(database().connection);
    const first = models.resolve(identity(), file());
    database()
      .connection.prepare(
        "INSERT INTO lora_files (path, size, mtime_ms, model_version_id) VALUES ('/l/a.safetensors', 1, 1, ?)",
      )
      .run(first.versionId);
    const again = models.resolve(
      identity({ modelName: 'Renamed', trainedWords: ['w'] }),
      file(first.versionId),
    );
    expect(again).toEqual(first);
    expect(rows('SELECT name, civitai_id FROM models')).toEqual([{ name: 'Renamed', civitai_id: null }]);
    expect(rows('SELECT trained_words FROM model_versions')).toEqual([{ trained_words: '["w"]' }]);
  });

  it('does not take over a local version another file uses', () => {
    const models = new SqliteModelRepository(database().connection);
    const shared = models.resolve(identity(), file());
    database()
      .connection.prepare(
        "INSERT INTO lora_files (path, size, mtime_ms, model_version_id) VALUES ('/l/other.safetensors', 1, 1, ?)",
      )
      .run(shared.versionId);
    const mine = models.resolve(identity(), file(shared.versionId));
    expect(mine.versionId).not.toBe(shared.versionId);
  });

  it('upserts Civitai models and versions by their Civitai ids without erasing known fields', () => {
    const models = new SqliteModelRepository(database().connection);
    const full = identity({
      civitaiModelId: 5,
      civitaiVersionId: 50,
      modelName: 'Civ',
      versionName: 'v1',
      trainedWords: ['word'],
      tags: ['a', 'b'],
      description: 'about',
    });
    const first = models.resolve(full, file());
    const sparse = identity({
      civitaiModelId: 5,
      civitaiVersionId: 50,
      modelName: 'Civ',
      versionName: 'v1',
      baseModel: null,
    });
    expect(models.resolve(sparse, file())).toEqual(first);
    expect(rows('SELECT trained_words, base_model FROM model_versions')).toEqual([
      { trained_words: '["word"]', base_model: 'sdxl' },
    ]);
    expect(rows('SELECT description FROM models')).toEqual([{ description: 'about' }]);
    expect(rows('SELECT t.name FROM model_tags mt JOIN tags t ON t.id = mt.tag_id ORDER BY t.name')).toEqual([
      { name: 'a' },
      { name: 'b' },
    ]);
    models.resolve({ ...full, tags: ['c'] }, file());
    expect(rows('SELECT t.name FROM model_tags mt JOIN tags t ON t.id = mt.tag_id')).toEqual([{ name: 'c' }]);
  });

  it('removeIfOrphan deletes an unused local version and its empty model, never a Civitai one', () => {
    const models = new SqliteModelRepository(database().connection);
    const local = models.resolve(identity(), file());
    const civitai = models.resolve(identity({ civitaiModelId: 1, civitaiVersionId: 2 }), file());
    models.removeIfOrphan(local.versionId);
    models.removeIfOrphan(civitai.versionId);
    expect(rows('SELECT civitai_version_id FROM model_versions')).toEqual([{ civitai_version_id: 2 }]);
    expect(rows('SELECT civitai_id FROM models')).toEqual([{ civitai_id: 1 }]);
  });
});
