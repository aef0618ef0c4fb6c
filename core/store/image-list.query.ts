import type { ImageListParams } from './image.types';
import { ftsMatchOf } from './lora-list.query';

export interface ImageRow {
  id: number;
  source: 'local' | 'imagegem';
  path: string | null;
  url: string | null;
  width: number | null;
  height: number | null;
  prompt: string | null;
  negative_prompt: string | null;
  seed: number | null;
  steps: number | null;
  sampler: string | null;
  cfg: number | null;
  created_at: string;
  user_id: number;
}

export const ITEM_COLUMNS =
  'i.id, i.source, i.path, i.url, i.width, i.height, i.prompt, i.negative_prompt, i.seed, i.steps, i.sampler, i.cfg, i.created_at, i.user_id';

/**
 * The shared WHERE of the gallery list and its count. Each filter is an `id IN (subquery)` on an
 * indexed lookup; user input reaches SQL only as parameters, and search text only through
 * `ftsMatchOf`, which cannot produce an FTS syntax error.
 */
export function imageListWhere(params: ImageListParams): {
  where: string;
  values: Record<string, unknown>;
  fullText: boolean;
  byReaction: boolean;
} {
  const clauses: string[] = [];
  const values: Record<string, unknown> = {};
  const match = params.query === undefined ? null : ftsMatchOf(params.query);
  if (match !== null) {
    // Positive prompts only: a search for "blurry" should not find every image that avoided it.
    clauses.push('f.image_fts MATCH @match');
    values['match'] = `prompt : (${match})`;
  }
  if (params.source !== undefined) {
    clauses.push('i.source = @source');
    values['source'] = params.source;
  }
  if (params.userId !== undefined) {
    clauses.push('i.user_id = @userId');
    values['userId'] = params.userId;
  }
  if (params.loraFileId !== undefined) {
    clauses.push('i.id IN (SELECT image_id FROM image_loras WHERE lora_file_id = @loraFileId)');
    values['loraFileId'] = params.loraFileId;
  }
  if (params.modelVersionId !== undefined) {
    clauses.push('i.id IN (SELECT image_id FROM image_loras WHERE model_version_id = @modelVersionId)');
    values['modelVersionId'] = params.modelVersionId;
  }
  if (params.reaction !== undefined) {
    // Without a text search the list is driven by the reaction index instead (see imageListSql).
    if (match !== null) {
      clauses.push(
        'i.id IN (SELECT image_id FROM reactions WHERE user_id = @localUserId AND kind = @reaction)',
      );
    } else {
      clauses.push('r.user_id = @localUserId AND r.kind = @reaction');
    }
    values['reaction'] = params.reaction;
  }
  return {
    where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`,
    values,
    fullText: match !== null,
    byReaction: match === null && params.reaction !== undefined,
  };
}

/** A full-text count stops here: counting a common word in 5M prompts would cost more than the page. */
export const FULL_TEXT_COUNT_CAP = 1_000;

/**
 * Lists are newest first; a reaction list, most recently reacted first. A text search is ordered by id instead (newest added first): FTS5 walks its
 * index in rowid order and stops at the page, where ordering by date would first collect every match.
 * Its count stops at FULL_TEXT_COUNT_CAP + 1, which the caller reports as "at least".
 */
export function imageListSql(
  where: string,
  fullText: boolean,
  byReaction = false,
): { rows: string; total: string } {
  if (byReaction) {
    // "Hearted by me" lists what was reacted to last first, walking the reaction index in order.
    const from = 'FROM reactions r JOIN images i ON i.id = r.image_id';
    return {
      rows: `SELECT ${ITEM_COLUMNS} ${from} ${where} ORDER BY r.created_at DESC, r.image_id DESC LIMIT @limit OFFSET @offset`,
      total: `SELECT count(*) AS total ${from} ${where}`,
    };
  }
  if (fullText) {
    const from = 'FROM image_fts f JOIN images i ON i.id = f.rowid';
    return {
      rows: `SELECT ${ITEM_COLUMNS} ${from} ${where} ORDER BY f.rowid DESC LIMIT @limit OFFSET @offset`,
      total: `SELECT count(*) AS total FROM (SELECT 1 ${from} ${where} LIMIT ${FULL_TEXT_COUNT_CAP + 1})`,
    };
  }
  return {
    rows: `SELECT ${ITEM_COLUMNS} FROM images i ${where} ORDER BY i.created_at DESC, i.id DESC LIMIT @limit OFFSET @offset`,
    total: `SELECT count(*) AS total FROM images i ${where}`,
  };
}
