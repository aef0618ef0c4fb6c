import type { Migration } from './migration';

const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/**
 * The weights2weights editor's tables. 0001 reserved `w2w_spaces` and `w2w_directions` before the
 * editor existed; nothing wrote them, so they are replaced by what the editor needs:
 * - a space's members get their own table (the tensor hash finds every space a LoRA belongs to);
 * - a direction keeps its classifier (weights, bias, Platt calibration) and the members'
 *   projections as float64 BLOBs of m and N values: read-outs and the plot need them at every
 *   slider move, and they are small (8 KB at m = 1,000). The big per-parameter vectors live in the
 *   space's safetensors file and a cache beside it.
 */
const sql = /* sql */ `
DROP TABLE w2w_directions;
DROP TABLE w2w_spaces;

CREATE TABLE w2w_spaces (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  base_model TEXT NOT NULL,
  layer_set TEXT NOT NULL CHECK (layer_set IN ('all', 'attn', 'attn_v', 'ff', 'ff+attn_v')),
  standardize TEXT NOT NULL CHECK (standardize IN ('zscore', 'center')),
  member_count INTEGER NOT NULL CHECK (member_count >= 2),
  components INTEGER NOT NULL CHECK (components > 0),
  dimension INTEGER NOT NULL CHECK (dimension > 0),
  module_count INTEGER NOT NULL CHECK (module_count > 0),
  explained_variance REAL NOT NULL,
  file_path TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

CREATE TABLE w2w_space_members (
  space_id INTEGER NOT NULL REFERENCES w2w_spaces (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  tensor_hash TEXT NOT NULL,
  lora_file_id INTEGER REFERENCES lora_files (id) ON DELETE SET NULL,
  PRIMARY KEY (space_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX w2w_space_members_tensor_hash ON w2w_space_members (tensor_hash);
CREATE INDEX w2w_space_members_lora_file_id ON w2w_space_members (lora_file_id);

CREATE TABLE w2w_directions (
  id INTEGER PRIMARY KEY,
  space_id INTEGER NOT NULL REFERENCES w2w_spaces (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('logistic', 'svm', 'lstsq')),
  positive TEXT NOT NULL CHECK (json_valid(positive)),
  negative TEXT NOT NULL CHECK (json_valid(negative)),
  positive_count INTEGER NOT NULL,
  negative_count INTEGER NOT NULL,
  accuracy REAL CHECK (accuracy IS NULL OR (accuracy >= 0 AND accuracy <= 1)),
  folds INTEGER NOT NULL,
  debias TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(debias)),
  unit REAL NOT NULL,
  weights BLOB NOT NULL,
  edit BLOB NOT NULL,
  bias REAL NOT NULL,
  calibration_a REAL NOT NULL,
  calibration_b REAL NOT NULL,
  projections BLOB NOT NULL,
  labels BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT ${NOW},
  UNIQUE (space_id, name)
) STRICT;
`;

const migration: Migration = { version: 7, name: 'w2w', sql };
export default migration;
