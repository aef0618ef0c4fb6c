import type { Migration } from './migration';

/**
 * What the LoRA library list and the incremental scanner need from `lora_files`.
 *
 * - `file_name` is stored because sorting 30,000 rows by a name cut out of `path` at query time cannot
 *   use an index; existing rows are filled from `path` (either separator) here.
 * - `sidecar_sig` fingerprints the sidecar files beside a LoRA (names, sizes, mtimes), so a rescan
 *   notices a new or edited `.civitai.info` without opening any file; `sidecars_json` keeps which
 *   sidecars contributed and what was wrong with them, for the detail view.
 * - The single-column base model and folder indexes become (column, name) pairs: the same lookups,
 *   and the list's default sort by name then needs no temporary sort.
 */
const sql = /* sql */ `
ALTER TABLE lora_files ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
ALTER TABLE lora_files ADD COLUMN sidecar_sig TEXT;
ALTER TABLE lora_files ADD COLUMN sidecars_json TEXT CHECK (sidecars_json IS NULL OR json_valid(sidecars_json));

UPDATE lora_files SET file_name = substr(
  path,
  length(rtrim(replace(path, '\\', '/'), replace(replace(path, '\\', '/'), '/', ''))) + 1
);

DROP INDEX lora_files_base_model;
DROP INDEX lora_files_folder_id;
CREATE INDEX lora_files_file_name ON lora_files (file_name COLLATE NOCASE);
CREATE INDEX lora_files_base_model_name ON lora_files (base_model, file_name COLLATE NOCASE);
CREATE INDEX lora_files_folder_id_name ON lora_files (folder_id, file_name COLLATE NOCASE);
CREATE INDEX lora_files_mtime_ms ON lora_files (mtime_ms);
CREATE INDEX lora_files_size ON lora_files (size);
`;

const migration: Migration = { version: 3, name: 'library-indexes', sql };
export default migration;
