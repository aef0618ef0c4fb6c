import type { DatasetStats, StatsRepository } from '../../store';

/**
 * The appendix figures for the stats page. Computing them walks two indexes of every image and
 * interaction (about a second at 5M images), so the result is kept until the data changes, which the
 * repository's signature tells cheaply.
 */
export class DatasetStatsService {
  private cached: { signature: string; stats: DatasetStats } | undefined;

  constructor(private readonly repository: StatsRepository) {}

  datasetStats(): DatasetStats {
    const signature = this.repository.signature();
    if (this.cached?.signature !== signature) {
      this.cached = { signature, stats: this.repository.datasetStats() };
    }
    return this.cached.stats;
  }

  /** Drops the cached figures, e.g. after deletions that leave the signature as it was. */
  invalidate(): void {
    this.cached = undefined;
  }
}
