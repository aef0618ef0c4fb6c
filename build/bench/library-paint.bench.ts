// The Library page at the size artists have it: 30,000 LoRAs. Measures, in Chromium against `atelier serve`,
// the time from navigation start to the first card on screen, and from a jump to the bottom of the grid to
// the cards there. The library is written straight into SQLite (rows, tags and search index, a third with
// previews) instead of scanning files, so the fixture takes seconds.
//   npm run build:renderer && npm run bench -- library-paint [--rows 30000] [--runs 3] [--keep]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { openDatabase } from '../../core/store';
import { writeA1111Png } from '../../e2e/images.fixtures';
import { startServer } from '../../e2e/server';
import { median, record } from './report';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const ROWS = Number(option('--rows') ?? 30_000);
const RUNS = Number(option('--runs') ?? 3);
const KEEP = args.includes('--keep');
const FIRST_PAINT_TARGET_MS = 1000;
const BOTTOM_TARGET_MS = 500;

const BASES = ['sdxl', 'sdxl', 'sdxl', 'pony', 'illustrious', 'sd15'];
const WORDS = [
  'ink',
  'neon',
  'pastel',
  'film',
  'paper',
  'glass',
  'moss',
  'chrome',
  'velvet',
  'ember',
  'tide',
  'dust',
];
const KINDS = ['style', 'character', 'concept', 'clothing', 'background', 'pose'];
const TAGS = [
  'style',
  'anime',
  'photorealistic',
  'watercolor',
  'portrait',
  'landscape',
  'fantasy',
  'scifi',
  'retro',
];
const PREVIEWS = 12;

/** A scrambled index, so neighbours in name order (names cycle through WORDS) differ in base model and preview. */
const mix = (i: number) => Math.imul(i + 1, 2654435761) >>> 0;

function seed(dataDir: string, loraDir: string): void {
  openDatabase({ path: path.join(dataDir, 'atelier.db') }).dispose();
  const previews = Array.from({ length: PREVIEWS }, (_, i) =>
    writeA1111Png(loraDir, {
      file: `preview_${i}.png`,
      prompt: 'preview',
      negative: '',
      seed: i,
      steps: 20,
      sampler: 'Euler a',
      cfg: 7,
      width: 256,
      height: 320,
      hue: (i * 360) / PREVIEWS,
    }),
  );
  const db = new Database(path.join(dataDir, 'atelier.db'));
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    const folderId = Number(
      db.prepare(`INSERT INTO folders (path, kind) VALUES (?, 'loras')`).run(loraDir).lastInsertRowid,
    );
    const tagIds = TAGS.map((name) =>
      Number(db.prepare('INSERT INTO tags (name) VALUES (?)').run(name).lastInsertRowid),
    );
    const file = db.prepare(`INSERT INTO lora_files
      (folder_id, path, file_name, size, mtime_ms, format, base_model, preview_path, scan_state, tensor_hash, sha256, autov2, autov3)
      VALUES (?, ?, ?, ?, ?, 'kohya', ?, ?, 'hashed', ?, ?, ?, ?)`);
    const tag = db.prepare('INSERT INTO lora_file_tags (lora_file_id, tag_id) VALUES (?, ?)');
    const fts = db.prepare(
      'INSERT INTO lora_fts (rowid, name, model_name, tags, trained_words) VALUES (?, ?, ?, ?, ?)',
    );
    for (let i = 0; i < ROWS; i++) {
      const stem = `${WORDS[i % WORDS.length]}_${KINDS[(i >> 3) % KINDS.length]}_${i.toString().padStart(5, '0')}`;
      // Every 40th file shares its weights with the next one: duplicates to badge.
      const weights = (i % 40 === 1 ? i - 1 : i).toString(16).padStart(64, '0');
      const hash = i.toString(16).padStart(64, 'a');
      const id = Number(
        file.run(
          folderId,
          path.join(loraDir, `${stem}.safetensors`),
          `${stem}.safetensors`,
          20_000_000 + ((i * 7919) % 200_000_000),
          1.7e12 + i * 1000,
          BASES[mix(i) % BASES.length]!,
          (mix(i) >>> 4) % 3 === 0 ? previews[(mix(i) >>> 8) % PREVIEWS]! : null,
          weights,
          hash,
          hash.slice(0, 10).toUpperCase(),
          hash.slice(0, 12).toUpperCase(),
        ).lastInsertRowid,
      );
      const mine = [tagIds[i % tagIds.length]!, tagIds[(i * 5 + 1) % tagIds.length]!].filter(
        (t, k, all) => all.indexOf(t) === k,
      );
      for (const t of mine) tag.run(id, t);
      fts.run(id, stem, '', mine.map((t) => TAGS[tagIds.indexOf(t)]).join(' '), '');
    }
  })();
  db.close();
}

/** Navigation start to the first card on screen, from a cold page (a fresh browser context). */
interface Paint {
  visible: number;
  mark: number | null;
  /** When the first `loras.list` request started, and how long it took (server and transfer). */
  listStart: number | null;
  listMs: number | null;
  scriptEnd: number | null;
}

async function firstPaint(page: Page, url: string): Promise<Paint> {
  await page.goto(url);
  await page.waitForSelector('[data-lora-card]', { state: 'visible', timeout: 30_000 });
  return page.evaluate(() => {
    const resources = performance.getEntriesByType('resource') as unknown as {
      name: string;
      startTime: number;
      responseEnd: number;
    }[];
    const list = resources.find((entry) => entry.name.includes('loras.list'));
    const script = resources.find((entry) => entry.name.endsWith('.js'));
    return {
      visible: performance.now(),
      mark: performance.getEntriesByName('library:first-cards')[0]?.startTime ?? null,
      listStart: list?.startTime ?? null,
      listMs: list ? list.responseEnd - list.startTime : null,
      scriptEnd: script?.responseEnd ?? null,
    };
  });
}

/** Jump to the bottom of the grid and wait for the last card: one page of 500 is fetched and drawn. */
async function toBottom(page: Page, total: number): Promise<number> {
  const start = await page.evaluate(() => {
    const t = performance.now();
    // The window scrolls (see Shell); a huge offset lands on the last row.
    (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 1e9);
    return t;
  });
  await page.waitForSelector(`[data-lora-card][data-index="${total - 1}"]`, {
    state: 'visible',
    timeout: 30_000,
  });
  return (await page.evaluate(() => performance.now())) - start;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-paint-'));
const dataDir = path.join(work, 'data');
const loraDir = path.join(work, 'loras');
mkdirSync(dataDir, { recursive: true });
mkdirSync(loraDir, { recursive: true });
let t = performance.now();
seed(dataDir, loraDir);
const seedMs = performance.now() - t;
console.log(`seeded ${ROWS} rows in ${(seedMs / 1000).toFixed(2)} s`);

const server = await startServer(dataDir);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const visible: number[] = [];
const marks: number[] = [];
const bottoms: number[] = [];
const lists: number[] = [];
const listStarts: number[] = [];
let domCards = 0;
try {
  // One warm-up load (the server's first queries, Chromium's first start), not counted.
  for (let run = -1; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: 'dark' });
    const page = await context.newPage();
    t = performance.now();
    const paint = await firstPaint(page, server.url);
    if (run === 0)
      await page.screenshot({
        path: path.resolve(import.meta.dirname, '../../test-results/screenshots/library-30k.png'),
      });
    const bottom = await toBottom(page, ROWS);
    if (run === 0)
      await page.screenshot({
        path: path.resolve(import.meta.dirname, '../../test-results/screenshots/library-30k-bottom.png'),
      });
    domCards = await page.locator('[data-lora-card]').count();
    if (run >= 0) {
      visible.push(paint.visible);
      if (paint.mark !== null) marks.push(paint.mark);
      bottoms.push(bottom);
      if (paint.listMs !== null) lists.push(paint.listMs);
      if (paint.listStart !== null) listStarts.push(paint.listStart);
    }
    console.log(
      `${run < 0 ? 'warm-up' : `run ${run + 1}`}: first card ${paint.visible.toFixed(0)} ms (mark ${paint.mark?.toFixed(0)} ms; script loaded ${paint.scriptEnd?.toFixed(0)} ms, loras.list at ${paint.listStart?.toFixed(0)} ms took ${paint.listMs?.toFixed(0)} ms), bottom ${bottom.toFixed(0)} ms, ${domCards} cards in the DOM`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
  if (!KEEP) rmSync(work, { recursive: true, force: true });
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
record(
  `library-paint (${ROWS.toLocaleString('en-US')} LoRAs)`,
  [
    {
      metric: 'navigation start → first card visible',
      value: ms(median(visible)),
      target: `< ${FIRST_PAINT_TARGET_MS} ms`,
      pass: median(visible) < FIRST_PAINT_TARGET_MS,
    },
    {
      metric: 'navigation start → grid mounted with cards (performance.mark)',
      value: marks.length ? ms(median(marks)) : 'n/a',
    },
    {
      metric: 'jump to bottom → last card visible',
      value: ms(median(bottoms)),
      target: `< ${BOTTOM_TARGET_MS} ms`,
      pass: median(bottoms) < BOTTOM_TARGET_MS,
    },
    {
      metric: 'first loras.list page (500 items): sent at / took',
      value: lists.length ? `${ms(median(listStarts))} / ${ms(median(lists))}` : 'n/a',
    },
    { metric: 'cards in the DOM at the bottom', value: String(domCards) },
    { metric: 'fixture: rows written to SQLite', value: `${(seedMs / 1000).toFixed(2)} s` },
  ],
  [
    `Median of ${RUNS} cold page loads (fresh browser context each) after one warm-up; headless system Chromium, 1360×860, --disable-gpu.`,
    'Rows are written straight into SQLite (lora_files, tags, lora_fts); a third have a preview PNG.',
  ],
);
