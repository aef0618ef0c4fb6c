import type { Migration } from './migration';

const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/**
 * Search and resumable imports for the library.
 *
 * - `lora_fts` is a standalone FTS5 index keyed by `lora_files.id`: its text comes from several tables
 *   (file name, model name, tags, trained words), so the ingest service writes it, not a trigger.
 * - `image_fts` indexes prompts as external content over `images`, kept in step by triggers, so every
 *   writer of `images` (scanner, dataset import) keeps search current without knowing about it.
 * - `import_runs` records how far a dataset import got, so a killed import resumes where it stopped.
 */
const sql = /* sql */ `
CREATE VIRTUAL TABLE lora_fts USING fts5(
  name, model_name, tags, trained_words,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE image_fts USING fts5(
  prompt, negative_prompt,
  content = 'images', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
  INSERT INTO image_fts (rowid, prompt, negative_prompt) VALUES (new.id, new.prompt, new.negative_prompt);
END;
CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
  INSERT INTO image_fts (image_fts, rowid, prompt, negative_prompt)
  VALUES ('delete', old.id, old.prompt, old.negative_prompt);
END;
CREATE TRIGGER images_fts_update AFTER UPDATE OF prompt, negative_prompt ON images BEGIN
  INSERT INTO image_fts (image_fts, rowid, prompt, negative_prompt)
  VALUES ('delete', old.id, old.prompt, old.negative_prompt);
  INSERT INTO image_fts (rowid, prompt, negative_prompt) VALUES (new.id, new.prompt, new.negative_prompt);
END;

CREATE TABLE import_runs (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  -- Identifies the input files (paths, sizes, mtimes); a run resumes only over the same input.
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'interrupted', 'cancelled')),
  -- Per input table: rows committed so far, as JSON {"models": n, "images": n}.
  progress_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(progress_json)),
  job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
  error TEXT,
  started_at TEXT NOT NULL DEFAULT ${NOW},
  finished_at TEXT
) STRICT;
CREATE INDEX import_runs_fingerprint ON import_runs (source, fingerprint);
CREATE INDEX import_runs_job_id ON import_runs (job_id);

CREATE INDEX lora_files_scan_state ON lora_files (scan_state);
CREATE INDEX image_loras_image_id ON image_loras (image_id);
`;

const migration: Migration = { version: 2, name: 'library', sql };
export default migration;
