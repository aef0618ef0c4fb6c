import type { Migration } from './migration';

/** Highest power-of-two bin boundary a reaction count is compared with; counts beyond 2³¹ share the last bin. */
const TOP_BIN_EXPONENT = 31;

/** Bin of a reaction count without math functions, so any SQLite build can run the triggers: 0 → 0, 1 → 1, 2–3 → 2, 4–7 → 3 … */
function binOf(column: string): string {
  const terms = Array.from({ length: TOP_BIN_EXPONENT + 1 }, (_, i) => `(${column} >= ${2 ** i})`);
  return `(${terms.join(' + ')})`;
}

const KINDS = ['heart', 'like', 'laugh', 'cry'] as const;

function binRows(row: 'new' | 'old'): string {
  return KINDS.map((kind) => `('${kind}', ${binOf(`${row}.${kind}_count`)})`).join(',\n    ');
}

/**
 * What the ImageGem import and the dataset statistics (the paper's appendix figures) need.
 *
 * - `long_prompts`: SQLite cannot split text on whitespace, so the writer of a prompt counts its words
 *   once. Only prompts over 200 words are kept: Fig. 6 looks at no others, and the table stays small.
 * - `reaction_bins`: Fig. 7 over millions of images must not scan them. Deletes and updates of
 *   `image_reaction_counts` keep it exact by trigger; inserts are counted by their writer, a batch at a
 *   time (the ImageGem import), because a per-row insert trigger cost 13 µs an image, a third of the
 *   import. The statistics check the sums against the table and rebuild the bins if a writer forgot.
 *   The bin expression avoids `log2` so every SQLite build runs the triggers.
 * - Fig. 9 and item-based recommenders ask for the distinct LoRA versions of a user; (user_id,
 *   model_version_id) answers that from the index alone.
 */
const sql = /* sql */ `
CREATE TABLE long_prompts (
  image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
  words INTEGER NOT NULL CHECK (words > 200)
) STRICT;

CREATE TABLE reaction_bins (
  kind TEXT NOT NULL CHECK (kind IN ('heart', 'like', 'laugh', 'cry')),
  bin INTEGER NOT NULL CHECK (bin >= 0),
  images INTEGER NOT NULL CHECK (images >= 0),
  PRIMARY KEY (kind, bin)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER image_reaction_counts_bins_delete AFTER DELETE ON image_reaction_counts BEGIN
  UPDATE reaction_bins SET images = images - 1
  WHERE (kind, bin) IN (VALUES
    ${binRows('old')});
END;

CREATE TRIGGER image_reaction_counts_bins_update
AFTER UPDATE OF heart_count, like_count, laugh_count, cry_count ON image_reaction_counts BEGIN
  UPDATE reaction_bins SET images = images - 1
  WHERE (kind, bin) IN (VALUES
    ${binRows('old')});
  INSERT INTO reaction_bins (kind, bin, images)
  SELECT column1, column2, 1 FROM (VALUES
    ${binRows('new')}) WHERE true
  ON CONFLICT (kind, bin) DO UPDATE SET images = images + 1;
END;

INSERT INTO reaction_bins (kind, bin, images)
${KINDS.map((kind) => `SELECT '${kind}', ${binOf(`${kind}_count`)} AS b, count(*) FROM image_reaction_counts GROUP BY b`).join('\nUNION ALL\n')};

CREATE INDEX interactions_user_id_model_version_id ON interactions (user_id, model_version_id);
`;

const migration: Migration = { version: 5, name: 'imagegem', sql };
export default migration;
