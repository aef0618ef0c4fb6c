/**
 * Micro-benchmark: reduce random rank-32 factors of all 986 SDXL LoRA modules (DOMAIN.md §4, real
 * shapes) to rank 1, timing only reduceLowRank. Run: `npx tsx core/lora/reduce.bench.ts [rank] [seed]`.
 * The dense route kohya takes is build/bench/kohya_reference.py, over the same shapes.
 */
import os from 'node:os';
import { createRng, fillGaussian } from '../math';
import { sdxlModuleTable, type SdxlModuleSpec } from './fixtures/sdxl-modules';
import { reduceLowRank, type LowRankFactors } from './reduce';

function main(): void {
  const rank = Number(process.argv[2] ?? 32);
  const rng = createRng(Number(process.argv[3] ?? 1));
  const shapes = sdxlModuleTable();
  if (shapes.length !== 986) throw new Error(`expected 986 SDXL modules, got ${shapes.length}`);

  const randomFactors = (s: SdxlModuleSpec): LowRankFactors => ({
    up: fillGaussian(rng, new Float32Array(s.outFeatures * rank), 0.02),
    down: fillGaussian(rng, new Float32Array(rank * s.inFeatures), 0.05),
    alpha: rank / 2,
    rank,
    outFeatures: s.outFeatures,
    inFeatures: s.inFeatures,
  });
  const groupOf = (s: SdxlModuleSpec): string => `${s.target} ${s.outFeatures}×${s.inFeatures}`;

  // Warm-up so the timed pass measures optimized code, not the JIT's tiers.
  for (const s of shapes.slice(0, 40)) reduceLowRank(randomFactors(s), { kind: 'fixed', rank: 1 });

  const byGroup = new Map<string, { modules: number; ms: number }>();
  let total = 0;
  for (const s of shapes) {
    const factors = randomFactors(s);
    const t0 = performance.now();
    const result = reduceLowRank(factors, { kind: 'fixed', rank: 1 });
    const ms = performance.now() - t0;
    if (!result.ok) throw new Error(result.problem.message);
    total += ms;
    const group = groupOf(s);
    const g = byGroup.get(group) ?? { modules: 0, ms: 0 };
    byGroup.set(group, { modules: g.modules + 1, ms: g.ms + ms });
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`reduceLowRank → rank 1, ${shapes.length} SDXL modules of rank ${rank}`);
  console.log(`${cpu}, ${os.cpus().length} logical cores, Node ${process.version}, single thread`);
  console.log('| module shape (out×in) | modules | ms total | ms/module |');
  console.log('|-----------------------|--------:|---------:|----------:|');
  for (const [group, g] of [...byGroup].sort((x, y) => y[1].ms - x[1].ms)) {
    console.log(
      `| ${group.padEnd(21)} | ${String(g.modules).padStart(7)} | ${g.ms.toFixed(0).padStart(8)} | ${(g.ms / g.modules).toFixed(2).padStart(9)} |`,
    );
  }
  console.log(
    `| total                 | ${String(shapes.length).padStart(7)} | ${total.toFixed(0).padStart(8)} | ${(total / shapes.length).toFixed(2).padStart(9)} |`,
  );
}

main();
