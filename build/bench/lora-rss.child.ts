// Child process of lora.bench.ts: one reduction (or none, for the baseline) in a fresh process, so its
// peak RSS is the reduction's alone. Prints one JSON line: { ms, maxRssBytes }.
import { readFileSync, rmSync } from 'node:fs';
import { reduceLoraFile } from '../../core/lora';

const [mode, source, destination] = process.argv.slice(2);
if ((mode !== 'reduce' && mode !== 'baseline') || source === undefined || destination === undefined) {
  throw new Error('usage: lora-rss.child.ts reduce|baseline <source> <destination>');
}
const started = performance.now();
if (mode === 'reduce') {
  rmSync(destination, { force: true });
  await reduceLoraFile({ source, destination, rule: { kind: 'fixed', rank: 1 }, layers: 'all' });
  rmSync(destination, { force: true });
}
/**
 * Peak RSS of this process, all threads (workers share its memory). Linux's VmHWM belongs to the
 * process image; getrusage's maxRSS (process.resourceUsage) survives exec, so a child spawned from a
 * large parent would report the parent's size.
 */
function peakRssBytes(): number {
  try {
    const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line !== null) return Number(line[1]) * 1024;
  } catch {
    // Not Linux: fall back to getrusage below.
  }
  return process.resourceUsage().maxRSS * 1024;
}
const maxRssBytes = peakRssBytes();
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, maxRssBytes })}\n`);
