import { expect, it } from 'vitest';
import type { DatasetStats, StatsRepository } from '../../store';
import { DatasetStatsService } from './dataset-stats.service';

function fakeRepository(): StatsRepository & { computed: number; version: string } {
  const empty: DatasetStats = {
    totals: { users: 0, images: 0, models: 0, loraFiles: 0 },
    reactions: [],
    topUsersByImages: [],
    topUsersByModels: [],
    longPrompts: { count: 0, cdf: [] },
  };
  const repo = {
    computed: 0,
    version: 'a',
    signature: () => repo.version,
    datasetStats: () => {
      repo.computed++;
      return empty;
    },
  };
  return repo;
}

it('computes the figures once per state of the data', () => {
  const repo = fakeRepository();
  const service = new DatasetStatsService(repo);
  service.datasetStats();
  service.datasetStats();
  expect(repo.computed).toBe(1);
  repo.version = 'b';
  service.datasetStats();
  expect(repo.computed).toBe(2);
  service.invalidate();
  service.datasetStats();
  expect(repo.computed).toBe(3);
});
