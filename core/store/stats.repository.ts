import type Database from 'better-sqlite3';
import type { DatasetStats, ReactionKind } from '../api';
import { reactionBinLabel, reactionBinsSelect } from './reaction-bins';

export type { DatasetStats };

/** How many users Figs. 8–9 show. */
export const TOP_USERS = 30;
const KINDS: readonly ReactionKind[] = ['heart', 'like', 'laugh', 'cry'];

/** The hot queries, shared with the query-plan test so it checks what really runs. */
export const STATS_QUERIES = {
  totals: `SELECT
      (SELECT count(*) FROM users WHERE is_local = 0) AS users,
      (SELECT count(*) FROM images) AS images,
      (SELECT count(*) FROM model_versions) AS models,
      (SELECT count(*) FROM lora_files) AS loraFiles`,
  reactionBins: 'SELECT kind, bin, images FROM reaction_bins WHERE images > 0',
  // Grouping walks the (user_id, …) index in order; only the groups, one per user, are sorted.
  topUsersByImages: `
    SELECT g.n FROM (SELECT user_id, count(*) AS n FROM images GROUP BY user_id) g
    JOIN users u ON u.id = g.user_id WHERE u.is_local = 0
    ORDER BY g.n DESC LIMIT ${TOP_USERS}`,
  topUsersByModels: `
    SELECT g.n FROM (
      SELECT user_id, count(*) AS n FROM (SELECT DISTINCT user_id, model_version_id FROM interactions)
      GROUP BY user_id) g
    JOIN users u ON u.id = g.user_id WHERE u.is_local = 0
    ORDER BY g.n DESC LIMIT ${TOP_USERS}`,
  /** Images with counts, and the total each kind's bins hold: all equal unless a writer forgot the bins. */
  reactionBinCheck: `SELECT (SELECT count(*) FROM image_reaction_counts) AS rows,
      (SELECT json_group_array(total) FROM (SELECT sum(images) AS total FROM reaction_bins GROUP BY kind)) AS totals`,
  longPromptWords: 'SELECT words, count(*) AS n FROM long_prompts GROUP BY words ORDER BY words',
  /** Changes whenever rows the figures count are added or removed; cheap (index ends and small tables). */
  signature: `SELECT
      (SELECT ifnull(max(id), 0) FROM images) || ':' || (SELECT ifnull(max(id), 0) FROM interactions) || ':' ||
      (SELECT ifnull(max(id), 0) FROM users) || ':' || (SELECT ifnull(sum(images), 0) FROM reaction_bins) || ':' ||
      (SELECT ifnull(max(id), 0) FROM model_versions) || ':' || (SELECT ifnull(max(id), 0) FROM lora_files)`,
} as const;

export interface StatsRepository {
  /** The appendix figures (Figs. 6–9) and totals over whatever is loaded. */
  datasetStats(): DatasetStats;
  /** Differs after any import or removal the figures would show; for caching them. */
  signature(): string;
}

export class SqliteStatsRepository implements StatsRepository {
  private readonly statements: {
    totals: Database.Statement<[], DatasetStats['totals']>;
    reactionBins: Database.Statement<[], { kind: ReactionKind; bin: number; images: number }>;
    topUsersByImages: Database.Statement<[], number>;
    topUsersByModels: Database.Statement<[], number>;
    longPromptWords: Database.Statement<[], { words: number; n: number }>;
    signature: Database.Statement<[], string>;
    reactionBinCheck: Database.Statement<[], { rows: number; totals: string }>;
  };

  constructor(private readonly connection: Database.Database) {
    this.statements = {
      totals: connection.prepare(STATS_QUERIES.totals),
      reactionBins: connection.prepare(STATS_QUERIES.reactionBins),
      topUsersByImages: connection.prepare<[], number>(STATS_QUERIES.topUsersByImages).pluck(),
      topUsersByModels: connection.prepare<[], number>(STATS_QUERIES.topUsersByModels).pluck(),
      longPromptWords: connection.prepare(STATS_QUERIES.longPromptWords),
      signature: connection.prepare<[], string>(STATS_QUERIES.signature).pluck(),
      reactionBinCheck: connection.prepare(STATS_QUERIES.reactionBinCheck),
    };
  }

  signature(): string {
    return this.statements.signature.get()!;
  }

  datasetStats(): DatasetStats {
    const s = this.statements;
    const hidden = (counts: number[]) => counts.map((count, i) => ({ label: `User ${i + 1}`, count }));
    return {
      totals: s.totals.get()!,
      reactions: this.reactions(),
      topUsersByImages: hidden(s.topUsersByImages.all()),
      topUsersByModels: hidden(s.topUsersByModels.all()),
      longPrompts: this.longPrompts(),
    };
  }

  /**
   * Recounts the bins from `image_reaction_counts` when their sums disagree with it: a writer that added
   * counts without their bins would otherwise skew Fig. 7 for good. Returns whether it had to.
   */
  repairReactionBins(): boolean {
    const { rows, totals } = this.statements.reactionBinCheck.get()!;
    const perKind = JSON.parse(totals) as number[];
    const consistent =
      rows === 0
        ? perKind.every((total) => total === 0)
        : perKind.length === KINDS.length && perKind.every((total) => total === rows);
    if (consistent) return false;
    this.connection.transaction(() => {
      this.connection.exec(
        `DELETE FROM reaction_bins; INSERT INTO reaction_bins (kind, bin, images) ${reactionBinsSelect('true')}`,
      );
    })();
    return true;
  }

  /** Every bin from 0 to the highest filled one, empty bins included, so the x axis has no gaps. */
  private reactions(): DatasetStats['reactions'] {
    this.repairReactionBins();
    const counts = new Map<ReactionKind, number[]>(KINDS.map((kind) => [kind, []]));
    for (const { kind, bin, images } of this.statements.reactionBins.all()) counts.get(kind)![bin] = images;
    return KINDS.map((kind) => ({
      kind,
      buckets: Array.from(counts.get(kind)!, (count, bin) => ({
        label: reactionBinLabel(bin),
        count: count ?? 0,
      })),
    }));
  }

  /** Cumulative share of long prompts with at most each word count, one point per distinct count. */
  private longPrompts(): DatasetStats['longPrompts'] {
    const rows = this.statements.longPromptWords.all();
    const count = rows.reduce((sum, row) => sum + row.n, 0);
    let seen = 0;
    const cdf = rows.map((row) => {
      seen += row.n;
      return { words: row.words, fraction: seen / count };
    });
    return { count, cdf };
  }
}
