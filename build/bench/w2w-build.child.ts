// Child process of w2w.bench.ts: one weight-space build (buildSpace, as the engine's w2w.build job runs
// it) in a fresh process, so its peak RSS is the build's alone. Reads the member list from a JSON file;
// prints one JSON line with the wall time, BuiltSpace.timings, peak RSS and what the parent needs to
// register the space in a store.
import { readFileSync } from 'node:fs';
import type { LayerSet } from '../../core/lora';
import { buildSpace } from '../../core/w2w';

const [layers, membersFile, destination, scratchDir] = process.argv.slice(2);
if (!layers || !membersFile || !destination || !scratchDir) {
  throw new Error('usage: w2w-build.child.ts <layers> <members.json> <destination> <scratchDir>');
}
const members = (JSON.parse(readFileSync(membersFile, 'utf8')) as string[]).map((p) => ({ path: p }));
const started = performance.now();
const built = await buildSpace({
  name: 'bench',
  layers: layers as LayerSet,
  standardize: 'zscore',
  members,
  destination,
  overwrite: true,
  scratchDir,
});
const ms = performance.now() - started;

/** Peak RSS of this process (VmHWM; getrusage's maxRSS as a fallback off Linux). */
function peakRssBytes(): number {
  try {
    const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line !== null) return Number(line[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}

process.stdout.write(
  `${JSON.stringify({
    ms,
    maxRssBytes: peakRssBytes(),
    resourceUsageMaxRssBytes: process.resourceUsage().maxRSS * 1024,
    timings: built.timings,
    file: built.file,
    bytes: built.bytes,
    baseModel: built.header.baseModel,
    dimension: built.header.layout.dimension,
    moduleCount: built.header.layout.modules.length,
    m: built.pca.m,
    explained: built.pca.explained,
    cumulative: built.pca.cumulative,
    reconstruction: built.pca.reconstruction,
    skipped: built.skipped,
    members: built.members,
  })}\n`,
);
