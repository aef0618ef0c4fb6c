import type { LoraListParams } from './lora-file.types';

/** More terms than anyone types; bounds the MATCH expression a pasted paragraph could build. */
const MAX_TERMS = 16;

/**
 * Turns what a user typed into an FTS5 MATCH expression that cannot be a syntax error: every run of
 * letters, marks and digits becomes a quoted prefix term ("lora"*), and terms are ANDed. Quotes,
 * operators, column filters and parentheses in the input are dropped as separators. Returns null when
 * nothing searchable is left.
 */
export function ftsMatchOf(text: string): string | null {
  const terms = text.normalize('NFKC').match(/[\p{L}\p{M}\p{N}]+/gu);
  if (terms === null) return null;
  return terms
    .slice(0, MAX_TERMS)
    .map((term) => `"${term}"*`)
    .join(' ');
}

const ORDER: Record<LoraListParams['sort'], string> = {
  name: 'f.file_name COLLATE NOCASE, f.id',
  recent: 'f.mtime_ms DESC, f.id DESC',
  size: 'f.size DESC, f.id DESC',
};

/** Files tagged by the artist or whose model carries the tag; tags.name is NOCASE. */
const TAG_FILTER = `(
  f.id IN (SELECT lt.lora_file_id FROM tags t JOIN lora_file_tags lt ON lt.tag_id = t.id WHERE t.name = @tag)
  OR f.model_version_id IN (
    SELECT v2.id FROM tags t2
    JOIN model_tags mt ON mt.tag_id = t2.id
    JOIN model_versions v2 ON v2.model_id = mt.model_id
    WHERE t2.name = @tag
  )
)`;

/** Walks the tensor-hash index once; the outer query then looks rows up by hash. */
const DUPLICATE_FILTER = `f.tensor_hash IN (
  SELECT tensor_hash FROM lora_files WHERE tensor_hash IS NOT NULL GROUP BY tensor_hash HAVING count(*) > 1
)`;

export const LIST_COLUMNS = `
  f.id, f.path, f.file_name, f.folder_id, f.size, f.mtime_ms, f.format, f.base_model,
  f.sha256, f.tensor_hash, f.autov2, f.autov3, f.scan_state, f.error,
  f.preview_path IS NOT NULL AS has_preview,
  v.model_id, m.name AS model_name, v.name AS version_name, v.civitai_version_id, v.trained_words,
  CASE WHEN f.tensor_hash IS NULL THEN 0
    ELSE (SELECT count(*) FROM lora_files d WHERE d.tensor_hash = f.tensor_hash) - 1 END AS duplicate_count,
  (SELECT count(DISTINCT il.image_id) FROM image_loras il
    WHERE il.lora_file_id = f.id OR il.model_version_id = f.model_version_id) AS image_count`;

export const LIST_FROM = `lora_files f
  LEFT JOIN model_versions v ON v.id = f.model_version_id
  LEFT JOIN models m ON m.id = v.model_id`;

export interface ListStatements {
  /** Identifies the statement shape, for caching prepared statements. */
  readonly key: string;
  /** The ids of one page, in order; takes `params` plus `limit` and `offset`. */
  readonly ids: string;
  /**
   * The page of items. Per-item counts (duplicates, images) are correlated subqueries, so they are
   * computed for the page's rows only, never for every match before the sort.
   */
  readonly page: string;
  /** The number of matching files; takes `params`. */
  readonly count: string;
  readonly params: Record<string, string | number>;
}

/** The statements of a list query; every filter has an index (query-plan tests in lora-file.repository.test.ts). */
export function listStatements(query: LoraListParams): ListStatements {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  const match = query.query === undefined ? null : ftsMatchOf(query.query);
  if (match !== null) {
    clauses.push('f.id IN (SELECT rowid FROM lora_fts WHERE lora_fts MATCH @match)');
    params.match = match;
  }
  if (query.base !== undefined && query.base !== '') {
    clauses.push('f.base_model = @base');
    params.base = query.base.toLowerCase();
  }
  if (query.folderId !== undefined) {
    clauses.push('f.folder_id = @folderId');
    params.folderId = query.folderId;
  }
  if (query.tag !== undefined && query.tag !== '') {
    clauses.push(TAG_FILTER);
    params.tag = query.tag;
  }
  if (query.duplicates === true) clauses.push(DUPLICATE_FILTER);
  const key = `${Object.keys(params).join(',')}|${query.duplicates === true ? 'dup' : ''}|${query.sort}`;
  const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
  const ids = `SELECT f.id FROM lora_files f ${where} ORDER BY ${ORDER[query.sort]} LIMIT @limit OFFSET @offset`;
  return {
    key,
    ids,
    page: `SELECT ${LIST_COLUMNS} FROM (${ids}) AS page
      JOIN lora_files f ON f.id = page.id
      LEFT JOIN model_versions v ON v.id = f.model_version_id
      LEFT JOIN models m ON m.id = v.model_id
      ORDER BY ${ORDER[query.sort]}`,
    count: `SELECT count(*) AS n FROM lora_files f ${where}`,
    params,
  };
}
