// Search and filter on 5M images (issue "Library": p95 < 50 ms per query), through the same repository the
// engine's images.list uses. The data set is generated straight into SQLite once and cached in the temp
// folder, so reruns measure queries only. `--images N` makes a smaller set.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageListQuery } from '../../core/api';
import { openDatabase, SqliteImageRepository } from '../../core/store';
import { median, percentile, record } from './report';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const IMAGES = arg('images', 5_000_000);
const RUNS = arg('runs', 100);
const dir = path.join(os.tmpdir(), `atelier-bench-search-${IMAGES}`);
mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'atelier.db');
// A data set is built under a temporary name and renamed when complete, so an interrupted build is redone.
const fresh = !existsSync(file);
const building = path.join(dir, 'building.db');
if (fresh) rmSync(building, { force: true });
const database = openDatabase({ path: fresh ? building : file });
const db = database.connection;

/** Seeded xorshift: the same data set on every machine. */
let state = 0x2545f491;
const next = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 0x1_0000_0000;
};
const WORDS = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
const SUBJECTS = ['knight', 'forest', 'portrait', 'castle', 'dragon', 'city', 'girl', 'robot', 'ocean', 'mountain'];
/** Zipf-like pick: a few words are common, most are rare, as in real prompts. */
const word = () => WORDS[Math.floor(WORDS.length * next() ** 3)]!;

if (fresh) {
  const started = performance.now();
  const USERS = 50_000;
  const VERSIONS = 20_000;
  db.exec('BEGIN');
  const user = db.prepare('INSERT INTO users (id, hash, name) VALUES (?, ?, ?)');
  for (let u = 2; u <= USERS; u++) user.run(u, `h${u}`, `user ${u}`);
  const model = db.prepare('INSERT INTO models (id, name) VALUES (?, ?)');
  const version = db.prepare('INSERT INTO model_versions (id, model_id, name, base_model) VALUES (?, ?, ?, ?)');
  for (let v = 1; v <= VERSIONS; v++) {
    model.run(v, `model ${v}`);
    version.run(v, v, `v${v}`, v % 3 === 0 ? 'Pony' : 'SDXL 1.0');
  }
  db.exec('COMMIT');
  const image = db.prepare(
    "INSERT INTO images (id, url, source, civitai_image_id, user_id, prompt, steps, cfg, seed, created_at) VALUES (?, ?, 'imagegem', ?, ?, ?, 30, 5, ?, ?)",
  );
  const link = db.prepare("INSERT INTO image_loras (image_id, model_version_id, match_rule) VALUES (?, ?, 'dataset')");
  const reaction = db.prepare("INSERT INTO reactions (user_id, image_id, kind) VALUES (1, ?, 'heart')");
  const day = 86_400_000;
  for (let start = 1; start <= IMAGES; start += 50_000) {
    db.exec('BEGIN');
    for (let id = start; id < Math.min(start + 50_000, IMAGES + 1); id++) {
      const length = 8 + Math.floor(next() * 30);
      const words = [SUBJECTS[Math.floor(next() * SUBJECTS.length)]!];
      for (let w = 0; w < length; w++) words.push(word());
      const created = new Date(Date.UTC(2023, 0, 1) + Math.floor(next() * 700) * day).toISOString();
      image.run(id, `https://example.invalid/${id}.jpg`, id, 2 + Math.floor((USERS - 1) * next() ** 2), words.join(' '), id, created);
      link.run(id, 1 + Math.floor(VERSIONS * next() ** 2));
      if (next() < 0.002) reaction.run(id);
    }
    db.exec('COMMIT');
    process.stderr.write(`\rgenerated ${Math.min(start + 49_999, IMAGES)} images`);
  }
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  process.stderr.write(`\ndata set built in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

if (fresh) {
  database.dispose();
  renameSync(building, file);
}
const reopened = fresh ? openDatabase({ path: file }) : database;
const images = new SqliteImageRepository(reopened.connection);
const query = (input: Record<string, unknown>) => ImageListQuery.parse({ limit: 100, ...input });
const cases: [string, () => Record<string, unknown>][] = [
  ['newest first, first page', () => ({})],
  ['newest first, deep page (offset 10,000)', () => ({ offset: 10_000 })],
  ['full text, common subject word', () => ({ query: SUBJECTS[Math.floor(next() * SUBJECTS.length)] })],
  ['full text, two words', () => ({ query: `${SUBJECTS[Math.floor(next() * SUBJECTS.length)]} ${word()}` })],
  ['full text, rare word', () => ({ query: WORDS[2000 + Math.floor(next() * 999)] })],
  ['by LoRA (model version)', () => ({ modelVersionId: 1 + Math.floor(20_000 * next() ** 2) })],
  ['hearted by me', () => ({ reaction: 'heart' })],
  ['by user', () => ({ userId: 2 + Math.floor(50_000 * next() ** 2) })],
  ['full text + source filter', () => ({ query: SUBJECTS[Math.floor(next() * SUBJECTS.length)], source: 'imagegem' })],
];

const rows = cases.map(([label, make]) => {
  images.list(query(make()), 1);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const input = query(make());
    const t = performance.now();
    images.list(input, 1);
    times.push(performance.now() - t);
  }
  const p95 = percentile(times, 95);
  return {
    metric: `${label} (p50 / p95 of ${RUNS})`,
    value: `${median(times).toFixed(1)} / ${p95.toFixed(1)} ms`,
    target: 'p95 < 50 ms',
    pass: p95 < 50,
  };
});
reopened.dispose();
record(`library-search (${IMAGES.toLocaleString('en')} images)`, rows, [
  'Through SqliteImageRepository.list, the query behind images.list; each page returns 100 items with their LoRA links and reactions.',
  'Data: seeded synthetic prompts (Zipf-like word frequencies), 50k users, 20k LoRA versions, one link per image, 0.2% hearted.',
]);
