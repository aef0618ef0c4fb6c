/**
 * Fig. 7 bins: images per reaction kind and power-of-two bin of its count (bin 0: none; bin b ≥ 1:
 * 2^(b−1) … 2^b − 1). Migration 0005's triggers compute the same bins without math functions, since any
 * SQLite build may run them; the repository tests check that both agree. Counts at or above 2³¹ share
 * bin 32 there, so they do here.
 */
export const REACTION_KINDS = ['heart', 'like', 'laugh', 'cry'] as const;

/** Highest bin; counts at or above 2³¹ share it, as in migration 0005's triggers. */
const TOP_BIN = 32;

/** The bin of a count, for writers that tally bins in JavaScript. */
export function reactionBin(count: number): number {
  if (count <= 0) return 0;
  return count >= 2 ** 31 ? TOP_BIN : 32 - Math.clz32(count);
}

/**
 * The bin of a non-negative integer column in SQL. Uses `log2`, which the SQLite bundled with
 * better-sqlite3 has, at less than half the cost of the triggers' 32 comparisons. `log2` is exact at
 * powers of two, so 2^k lands in bin k + 1 and 2^k − 1 in bin k.
 */
export function reactionBinSql(column: string): string {
  return `(CASE WHEN ${column} <= 0 THEN 0 ELSE min(${TOP_BIN}, 1 + CAST(log2(${column}) AS INTEGER)) END)`;
}

/** Bins of every `image_reaction_counts` row matching `where`, per kind, as rows (kind, bin, images). */
export function reactionBinsSelect(where: string): string {
  return REACTION_KINDS.map(
    (kind) =>
      `SELECT '${kind}' AS kind, ${reactionBinSql(`${kind}_count`)} AS bin, count(*) AS images ` +
      `FROM image_reaction_counts WHERE ${where} GROUP BY bin`,
  ).join(' UNION ALL ');
}

/** Label of a bin: 0, 1, 2–3, 4–7, 8–15 … */
export function reactionBinLabel(bin: number): string {
  if (bin <= 1) return String(bin);
  return `${2 ** (bin - 1)}–${2 ** bin - 1}`;
}
