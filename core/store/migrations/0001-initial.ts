import type { Migration } from './migration';

/** Same text as JavaScript's `Date#toISOString()`, so timestamps from SQL and from code sort together. */
const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/**
 * The schema the whole app is planned around; later features should mostly add indexes.
 *
 * Conventions that are easy to break later:
 * - A LoRA as a recommendable item is a `model_versions` row. Ingest gives every local file that
 *   matches nothing on Civitai a local model and version (`civitai_*` NULL), so `item_kind = 'lora'`
 *   in embeddings and captions always means a `model_versions.id`.
 * - `models.id` is our own key, not Civitai's modelId: local models get ids too, and an import that
 *   reused Civitai's numbers could collide with them. Civitai's ids live in `civitai_*` columns.
 * - Vocabularies the scanner or the recommender will still grow (`scan_state`, `format`, `stage`,
 *   interaction `kind`) have no CHECK: SQLite cannot alter a CHECK without rebuilding the table.
 * - A CHECK that needs one of two nullable references would make their ON DELETE SET NULL fail, so
 *   link tables keep a `name` that says what the link was instead.
 */
const sql = /* sql */ `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
) STRICT;

CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('loras', 'images', 'comfyui')),
  comfyui_json TEXT CHECK (comfyui_json IS NULL OR json_valid(comfyui_json)),
  added_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  hash TEXT UNIQUE,
  name TEXT NOT NULL,
  is_local INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

INSERT INTO users (id, hash, name, is_local) VALUES (1, NULL, 'You', 1);

-- Images, reactions and profiles cascade from their user; the artist's own row must never go.
CREATE TRIGGER users_keep_local BEFORE DELETE ON users WHEN OLD.is_local = 1
BEGIN
  SELECT RAISE(ABORT, 'the local artist cannot be deleted');
END;

CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  civitai_id INTEGER UNIQUE,
  name TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'LORA',
  creator_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  nsfw INTEGER NOT NULL DEFAULT 0,
  description TEXT,
  licence_json TEXT CHECK (licence_json IS NULL OR json_valid(licence_json)),
  meta_json TEXT CHECK (meta_json IS NULL OR json_valid(meta_json)),
  created_at TEXT NOT NULL DEFAULT ${NOW},
  updated_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;
CREATE INDEX models_creator_user_id ON models (creator_user_id);

CREATE TABLE model_versions (
  id INTEGER PRIMARY KEY,
  civitai_version_id INTEGER UNIQUE,
  model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  base_model TEXT,
  trained_words TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(trained_words)),
  file_name TEXT,
  download_url TEXT,
  sha256 TEXT,
  nsfw_level INTEGER,
  meta_json TEXT CHECK (meta_json IS NULL OR json_valid(meta_json)),
  created_at TEXT NOT NULL DEFAULT ${NOW},
  updated_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;
CREATE INDEX model_versions_model_id ON model_versions (model_id);
CREATE INDEX model_versions_sha256 ON model_versions (sha256);
CREATE INDEX model_versions_base_model ON model_versions (base_model);

CREATE TABLE lora_files (
  id INTEGER PRIMARY KEY,
  folder_id INTEGER REFERENCES folders (id) ON DELETE SET NULL,
  path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL CHECK (size >= 0),
  mtime_ms REAL NOT NULL,
  sha256 TEXT,
  tensor_hash TEXT,
  autov2 TEXT,
  autov3 TEXT,
  format TEXT,
  base_model TEXT,
  header_json TEXT CHECK (header_json IS NULL OR json_valid(header_json)),
  preview_path TEXT,
  model_version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
  scan_state TEXT NOT NULL DEFAULT 'pending',
  error TEXT,
  created_at TEXT NOT NULL DEFAULT ${NOW},
  updated_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;
CREATE INDEX lora_files_tensor_hash ON lora_files (tensor_hash);
CREATE INDEX lora_files_sha256 ON lora_files (sha256);
CREATE INDEX lora_files_autov3 ON lora_files (autov3);
CREATE INDEX lora_files_base_model ON lora_files (base_model);
CREATE INDEX lora_files_folder_id ON lora_files (folder_id);
CREATE INDEX lora_files_model_version_id ON lora_files (model_version_id);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE
) STRICT;

CREATE TABLE model_tags (
  model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (model_id, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX model_tags_tag_id ON model_tags (tag_id, model_id);

-- The artist's own tags on files: artists ask for tags instead of folders.
CREATE TABLE lora_file_tags (
  lora_file_id INTEGER NOT NULL REFERENCES lora_files (id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT ${NOW},
  PRIMARY KEY (lora_file_id, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX lora_file_tags_tag_id ON lora_file_tags (tag_id, lora_file_id);

CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  path TEXT UNIQUE,
  url TEXT,
  source TEXT NOT NULL CHECK (source IN ('local', 'imagegem')),
  civitai_image_id INTEGER UNIQUE,
  user_id INTEGER NOT NULL DEFAULT 1 REFERENCES users (id) ON DELETE CASCADE,
  folder_id INTEGER REFERENCES folders (id) ON DELETE SET NULL,
  size INTEGER,
  mtime_ms REAL,
  width INTEGER,
  height INTEGER,
  prompt TEXT,
  negative_prompt TEXT,
  seed INTEGER,
  steps INTEGER,
  sampler TEXT,
  cfg REAL,
  clip_skip INTEGER,
  model_hash TEXT,
  nsfw_level INTEGER,
  created_at TEXT NOT NULL DEFAULT ${NOW},
  meta_json TEXT CHECK (meta_json IS NULL OR json_valid(meta_json)),
  CHECK (path IS NOT NULL OR url IS NOT NULL)
) STRICT;
CREATE INDEX images_user_id_created_at ON images (user_id, created_at);
CREATE INDEX images_created_at ON images (created_at);
CREATE INDEX images_folder_id ON images (folder_id);

-- Which LoRA made which image. The name column keeps the reference as written (prompt tag,
-- LoraLoader name, hash), so a link whose file or version is gone can be resolved again.
CREATE TABLE image_loras (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  model_version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
  lora_file_id INTEGER REFERENCES lora_files (id) ON DELETE SET NULL,
  name TEXT,
  weight REAL,
  match_rule TEXT NOT NULL
) STRICT;
-- UNIQUE treats NULLs as distinct; folding them keeps one row per image and LoRA.
CREATE UNIQUE INDEX image_loras_unique ON image_loras (
  image_id, ifnull(model_version_id, 0), ifnull(lora_file_id, 0), ifnull(name, '')
);
CREATE INDEX image_loras_model_version_id ON image_loras (model_version_id);
CREATE INDEX image_loras_lora_file_id ON image_loras (lora_file_id);

CREATE TABLE reactions (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('heart', 'like', 'laugh', 'cry')),
  created_at TEXT NOT NULL DEFAULT ${NOW},
  PRIMARY KEY (user_id, image_id, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX reactions_image_id ON reactions (image_id);

-- ImageGem publishes only per-image totals. Columns end in _count because LIKE is an SQL keyword.
CREATE TABLE image_reaction_counts (
  image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
  heart_count INTEGER NOT NULL DEFAULT 0 CHECK (heart_count >= 0),
  like_count INTEGER NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  laugh_count INTEGER NOT NULL DEFAULT 0 CHECK (laugh_count >= 0),
  cry_count INTEGER NOT NULL DEFAULT 0 CHECK (cry_count >= 0),
  dislike_count INTEGER NOT NULL DEFAULT 0 CHECK (dislike_count >= 0),
  comment_count INTEGER NOT NULL DEFAULT 0 CHECK (comment_count >= 0)
) STRICT;

-- User–LoRA events in time order: the input of sequence recommenders (SASRec) and ItemKNN.
CREATE TABLE interactions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  model_version_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  image_id INTEGER REFERENCES images (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;
CREATE INDEX interactions_user_id_created_at ON interactions (user_id, created_at);
CREATE INDEX interactions_model_version_id ON interactions (model_version_id);
CREATE INDEX interactions_image_id ON interactions (image_id);

-- Vectors are float32; model_id keeps vector spaces of different models apart.
CREATE TABLE embeddings (
  item_kind TEXT NOT NULL CHECK (item_kind IN ('image', 'lora', 'text')),
  item_id INTEGER NOT NULL,
  model_id TEXT NOT NULL,
  dim INTEGER NOT NULL CHECK (dim > 0),
  vector BLOB NOT NULL CHECK (length(vector) = dim * 4),
  created_at TEXT NOT NULL DEFAULT ${NOW},
  PRIMARY KEY (item_kind, item_id, model_id)
) STRICT;
CREATE INDEX embeddings_model_id ON embeddings (model_id, item_kind);

CREATE TABLE captions (
  id INTEGER PRIMARY KEY,
  item_kind TEXT NOT NULL CHECK (item_kind IN ('image', 'lora')),
  item_id INTEGER NOT NULL,
  model_id TEXT NOT NULL,
  prompt_id TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT ${NOW},
  UNIQUE (item_kind, item_id, model_id, prompt_id)
) STRICT;

-- embeddings and captions point at several tables, so foreign keys cannot clean them up.
CREATE TRIGGER images_delete_derived AFTER DELETE ON images
BEGIN
  DELETE FROM embeddings WHERE item_kind = 'image' AND item_id = OLD.id;
  DELETE FROM captions WHERE item_kind = 'image' AND item_id = OLD.id;
END;

CREATE TRIGGER model_versions_delete_derived AFTER DELETE ON model_versions
BEGIN
  DELETE FROM embeddings WHERE item_kind = 'lora' AND item_id = OLD.id;
  DELETE FROM captions WHERE item_kind = 'lora' AND item_id = OLD.id;
END;

CREATE TABLE profiles (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  model_id TEXT NOT NULL,
  text TEXT NOT NULL,
  source_image_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(source_image_ids)),
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;
CREATE INDEX profiles_user_id_created_at ON profiles (user_id, created_at);

CREATE TABLE feed_results (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('images', 'loras')),
  stage TEXT NOT NULL,
  item_id INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  score REAL,
  explanation TEXT,
  run_id TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;
CREATE INDEX feed_results_user_kind_created_at ON feed_results (user_id, kind, created_at);
CREATE INDEX feed_results_run ON feed_results (run_id, stage, rank);

CREATE TABLE w2w_spaces (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  base_model TEXT NOT NULL,
  layer_set TEXT NOT NULL,
  file_path TEXT NOT NULL,
  member_hashes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(member_hashes)),
  module_list TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(module_list)),
  components INTEGER NOT NULL CHECK (components > 0),
  explained_variance TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(explained_variance)),
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

CREATE TABLE w2w_directions (
  id INTEGER PRIMARY KEY,
  space_id INTEGER NOT NULL REFERENCES w2w_spaces (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  method TEXT NOT NULL,
  labels TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels)),
  accuracy REAL,
  file_path TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT ${NOW},
  UNIQUE (space_id, name)
) STRICT;

-- Edits outlive their space: the files they wrote are still on disk and still worth listing.
CREATE TABLE w2w_edits (
  id INTEGER PRIMARY KEY,
  space_id INTEGER REFERENCES w2w_spaces (id) ON DELETE SET NULL,
  source_lora_file_id INTEGER REFERENCES lora_files (id) ON DELETE SET NULL,
  strengths TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(strengths)),
  output_path TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;
CREATE INDEX w2w_edits_space_id ON w2w_edits (space_id);
CREATE INDEX w2w_edits_source_lora_file_id ON w2w_edits (source_lora_file_id);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  progress REAL CHECK (progress IS NULL OR (progress >= 0 AND progress <= 1)),
  message TEXT,
  error TEXT,
  input_json TEXT NOT NULL DEFAULT 'null' CHECK (json_valid(input_json)),
  result_json TEXT CHECK (result_json IS NULL OR json_valid(result_json)),
  created_at TEXT NOT NULL DEFAULT ${NOW},
  started_at TEXT,
  finished_at TEXT
) STRICT;
CREATE INDEX jobs_state ON jobs (state);
CREATE INDEX jobs_created_at ON jobs (created_at);
`;

const migration: Migration = { version: 1, name: 'initial', sql };
export default migration;
