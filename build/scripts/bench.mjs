#!/usr/bin/env node
// `npm run bench -- <name>`: runs build/bench/<name>.bench.ts, which prints a table and appends it to BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const benchDir = path.join(root, 'build', 'bench');
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [options]\navailable: ${available.join(', ')}`);
  process.exit(2);
}
const file = path.join(benchDir, `${name}.bench.ts`);
if (!existsSync(file)) process.exit(2);
const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...rest], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
