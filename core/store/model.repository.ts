import type Database from 'better-sqlite3';
import type { ModelIdentity } from './lora-file.types';

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

interface VersionRow {
  id: number;
  model_id: number;
  civitai_version_id: number | null;
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * Models, versions and model tags as the scanner sees them. Callers run these inside their own
 * transaction (`SqliteLoraFileRepository.saveScanned`), so a file and its model are written together.
 */
export class SqliteModelRepository {
  private readonly upsertCivitaiModel: Database.Statement<
    { civitaiId: number; name: string; description: string | null; nsfw: number | null },
    { id: number }
  >;
  private readonly insertLocalModel: Database.Statement<
    { name: string; description: string | null; nsfw: number | null },
    { id: number }
  >;
  private readonly updateLocalModel: Database.Statement<{
    id: number;
    name: string;
    description: string | null;
    nsfw: number | null;
  }>;
  private readonly selectVersion: Database.Statement<[number], VersionRow>;
  private readonly selectVersionByCivitai: Database.Statement<[number], VersionRow>;
  private readonly upsertCivitaiVersion: Database.Statement<Record<string, unknown>, { id: number }>;
  private readonly insertLocalVersion: Database.Statement<Record<string, unknown>, { id: number }>;
  private readonly updateLocalVersion: Database.Statement<Record<string, unknown>>;
  private readonly countOtherFiles: Database.Statement<[number, string], { n: number }>;
  private readonly deleteOrphanVersion: Database.Statement<{ id: number }>;
  private readonly deleteOrphanModel: Database.Statement<{ id: number }>;
  private readonly insertTag: Database.Statement<[string]>;
  private readonly clearModelTags: Database.Statement<[number]>;
  private readonly addModelTag: Database.Statement<[number, string]>;
  private readonly setLocalSha256: Database.Statement<[string, number]>;

  constructor(connection: Database.Database) {
    this.upsertCivitaiModel = connection.prepare(`
      INSERT INTO models (civitai_id, name, description, nsfw) VALUES (@civitaiId, @name, @description, coalesce(@nsfw, 0))
      ON CONFLICT (civitai_id) DO UPDATE SET
        name = excluded.name,
        description = coalesce(@description, models.description),
        nsfw = coalesce(@nsfw, models.nsfw),
        updated_at = ${NOW}
      RETURNING id`);
    this.insertLocalModel = connection.prepare(
      'INSERT INTO models (name, description, nsfw) VALUES (@name, @description, coalesce(@nsfw, 0)) RETURNING id',
    );
    this.updateLocalModel = connection.prepare(`
      UPDATE models SET name = @name, description = coalesce(@description, description),
        nsfw = coalesce(@nsfw, nsfw), updated_at = ${NOW}
      WHERE id = @id AND civitai_id IS NULL`);
    this.selectVersion = connection.prepare(
      'SELECT id, model_id, civitai_version_id FROM model_versions WHERE id = ?',
    );
    this.selectVersionByCivitai = connection.prepare(
      'SELECT id, model_id, civitai_version_id FROM model_versions WHERE civitai_version_id = ?',
    );
    // A sidecar without trained words or base model should not erase what an import already stored.
    this.upsertCivitaiVersion = connection.prepare(`
      INSERT INTO model_versions (civitai_version_id, model_id, name, base_model, trained_words, file_name, meta_json)
      VALUES (@civitaiVersionId, @modelId, @name, @baseModel, @trainedWords, @fileName, @meta)
      ON CONFLICT (civitai_version_id) DO UPDATE SET
        model_id = excluded.model_id,
        name = excluded.name,
        base_model = coalesce(excluded.base_model, model_versions.base_model),
        trained_words = CASE WHEN excluded.trained_words = '[]' THEN model_versions.trained_words
          ELSE excluded.trained_words END,
        file_name = coalesce(model_versions.file_name, excluded.file_name),
        meta_json = coalesce(excluded.meta_json, model_versions.meta_json),
        updated_at = ${NOW}
      RETURNING id`);
    this.insertLocalVersion = connection.prepare(`
      INSERT INTO model_versions (model_id, name, base_model, trained_words, file_name, meta_json)
      VALUES (@modelId, @name, @baseModel, @trainedWords, @fileName, @meta) RETURNING id`);
    this.updateLocalVersion = connection.prepare(`
      UPDATE model_versions SET model_id = @modelId, name = @name, base_model = @baseModel,
        trained_words = @trainedWords, file_name = @fileName, meta_json = @meta, updated_at = ${NOW}
      WHERE id = @id AND civitai_version_id IS NULL`);
    this.countOtherFiles = connection.prepare(
      'SELECT count(*) AS n FROM lora_files WHERE model_version_id = ? AND path <> ?',
    );
    // Interactions cascade from versions and image links would lose their target: keep any version in use.
    this.deleteOrphanVersion = connection.prepare(`
      DELETE FROM model_versions WHERE id = @id AND civitai_version_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM lora_files WHERE model_version_id = @id)
        AND NOT EXISTS (SELECT 1 FROM image_loras WHERE model_version_id = @id)
        AND NOT EXISTS (SELECT 1 FROM interactions WHERE model_version_id = @id)`);
    this.deleteOrphanModel = connection.prepare(`
      DELETE FROM models WHERE id = @id AND civitai_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM model_versions WHERE model_id = @id)`);
    this.insertTag = connection.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING');
    this.clearModelTags = connection.prepare('DELETE FROM model_tags WHERE model_id = ?');
    this.addModelTag = connection.prepare(
      'INSERT OR IGNORE INTO model_tags (model_id, tag_id) SELECT ?, id FROM tags WHERE name = ?',
    );
    this.setLocalSha256 = connection.prepare(
      'UPDATE model_versions SET sha256 = ? WHERE id = ? AND civitai_version_id IS NULL AND sha256 IS NULL',
    );
  }

  /**
   * The version a file belongs to: Civitai's when a sidecar names one, else the file's own local
   * version (reused when no other file shares it), else a new local model and version.
   * Returns the version and model ids; the caller cleans up `current` once the file row points away.
   */
  resolve(
    identity: ModelIdentity,
    file: { path: string; fileName: string; currentVersionId: number | null },
  ): { versionId: number; modelId: number } {
    const nsfw = identity.nsfw === null ? null : identity.nsfw ? 1 : 0;
    const modelFields = { name: identity.modelName, description: identity.description, nsfw };
    const versionFields = {
      name: identity.versionName,
      baseModel: identity.baseModel,
      trainedWords: JSON.stringify(identity.trainedWords),
      fileName: file.fileName,
      meta: json(identity.versionMeta),
    };
    let modelId =
      identity.civitaiModelId === null
        ? undefined
        : this.upsertCivitaiModel.get({ civitaiId: identity.civitaiModelId, ...modelFields })!.id;

    let versionId: number;
    if (identity.civitaiVersionId !== null) {
      modelId ??=
        this.selectVersionByCivitai.get(identity.civitaiVersionId)?.model_id ??
        this.insertLocalModel.get(modelFields)!.id;
      versionId = this.upsertCivitaiVersion.get({
        civitaiVersionId: identity.civitaiVersionId,
        modelId,
        ...versionFields,
      })!.id;
    } else {
      const current =
        file.currentVersionId === null ? undefined : this.selectVersion.get(file.currentVersionId);
      const reusable =
        current !== undefined &&
        current.civitai_version_id === null &&
        this.countOtherFiles.get(current.id, file.path)!.n === 0;
      if (reusable) {
        if (modelId === undefined) {
          modelId = current.model_id;
          this.updateLocalModel.run({ id: modelId, ...modelFields });
        }
        versionId = current.id;
        this.updateLocalVersion.run({ id: versionId, modelId, ...versionFields });
        // A sidecar now names the Civitai model: the version moved, its old local model may be empty.
        if (current.model_id !== modelId) this.deleteOrphanModel.run({ id: current.model_id });
      } else {
        modelId ??= this.insertLocalModel.get(modelFields)!.id;
        versionId = this.insertLocalVersion.get({ modelId, ...versionFields })!.id;
      }
    }
    if (identity.tags !== null) this.replaceTags(modelId, identity.tags);
    return { versionId, modelId };
  }

  /** The model a version belongs to, if the version exists. */
  modelOf(versionId: number): number | undefined {
    return this.selectVersion.get(versionId)?.model_id;
  }

  /** Deletes a local version nothing refers to any more, and then its model if that is empty and local. */
  removeIfOrphan(versionId: number): void {
    const version = this.selectVersion.get(versionId);
    if (version === undefined) return;
    if (this.deleteOrphanVersion.run({ id: versionId }).changes > 0)
      this.deleteOrphanModel.run({ id: version.model_id });
  }

  /** Records a local version's file hash, so dataset imports and image links can match it by SHA-256. */
  recordLocalSha256(versionId: number, sha256: string): void {
    this.setLocalSha256.run(sha256, versionId);
  }

  private replaceTags(modelId: number, tags: readonly string[]): void {
    this.clearModelTags.run(modelId);
    for (const tag of tags) {
      this.insertTag.run(tag);
      this.addModelTag.run(modelId, tag);
    }
  }
}
