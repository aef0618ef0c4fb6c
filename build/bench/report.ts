import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRow {
  readonly metric: string;
  readonly value: string;
  readonly target?: string;
  readonly baseline?: string;
  /** Whether the target is met; omitted when there is no target. */
  readonly pass?: boolean;
}

const FILE = path.resolve(import.meta.dirname, '../../BENCHMARKS.md');

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  return `${cpu}, ${os.cpus().length} cores, ${memory}, ${os.type()} ${os.release()}, Node ${process.versions.node}`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Prints the table and appends it, with machine and date, to BENCHMARKS.md. */
export function record(name: string, rows: readonly BenchRow[], notes: readonly string[] = []): void {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const header = '| metric | result | target | baseline | |\n|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.metric} | ${r.value} | ${r.target ?? ''} | ${r.baseline ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'met' : '**not met**'} |`,
  );
  const section = [
    `## ${name} — ${date} UTC`,
    '',
    `Machine: ${machineLine()}`,
    '',
    header,
    ...lines,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  console.log(`\n${section}`);
  if (!existsSync(FILE)) {
    writeFileSync(
      FILE,
      '# Benchmarks\n\nAppended by `npm run bench -- <name>`; newest last. Medians unless a row says otherwise.\n\n',
    );
  }
  appendFileSync(FILE, `${section}\n`);
}
