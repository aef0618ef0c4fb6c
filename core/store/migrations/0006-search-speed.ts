import type { Migration } from './migration';

/**
 * Faster gallery search and "reacted by me" lists.
 *
 * - Search terms are prefix matches (results while typing). Without prefix indexes FTS5 expands a
 *   short prefix such as `ca*` into every term it starts and reads all their postings: seconds on
 *   millions of prompts. The table is rebuilt with prefix indexes for 1–3 characters; the triggers of
 *   0002 name it, not its definition, and keep working.
 * - A reaction list is ordered by when the artist reacted, straight from this index.
 */
const sql = /* sql */ `
DROP TABLE image_fts;
CREATE VIRTUAL TABLE image_fts USING fts5(
  prompt, negative_prompt,
  content = 'images', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3'
);
INSERT INTO image_fts (image_fts) VALUES ('rebuild');

CREATE INDEX reactions_user_kind_created_at ON reactions (user_id, kind, created_at, image_id);
`;

const migration: Migration = { version: 6, name: 'search-speed', sql };
export default migration;
