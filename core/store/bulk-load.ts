import type Database from 'better-sqlite3';

/**
 * Bulk loads: a large import into tables with many secondary indexes drops those indexes (and the
 * triggers that keep a full-text index in step) first, and builds them again at the end. CREATE INDEX
 * sorts once, where keeping an index while rows arrive costs a B-tree insert per row at a key spread over
 * the whole index, which misses the page cache once the index outgrows it; an FTS5 'rebuild' reads the
 * content table once, where the insert trigger pays per row.
 *
 * Crash safety: the CREATE statements are taken from `sqlite_master` (so the migrations stay their only
 * source) and stored in a marker row in `settings`, in the same transaction that drops them. Opening the
 * database completes whatever a marker still lists before anything else runs (migrations included), so
 * a process killed mid-load leaves a file that the next open makes whole. The marker names the importing
 * process: another process opening the file while that one still runs (the CLI beside the app) leaves
 * the load to it. Unique
 * indexes are never dropped: imports resolve conflicts through them. While a load is pending, queries run
 * without the dropped indexes (slower, same results) and full-text search misses the new rows.
 */
const MARKER_KEY = 'store.bulkLoad';

export interface BulkLoadPlan {
  /** Tables whose non-unique indexes are dropped. */
  readonly tables: readonly string[];
  /** Triggers dropped too: those that copy rows into the FTS5 tables below. */
  readonly triggers: readonly string[];
  /** External-content FTS5 tables rebuilt from their content at the end. */
  readonly fts: readonly string[];
}

interface SchemaObject {
  readonly name: string;
  readonly sql: string;
}

interface Marker {
  /** `CREATE INDEX` statements of the dropped indexes, as `sqlite_master` held them, still to run. */
  readonly indexes: readonly SchemaObject[];
  /** `CREATE TRIGGER` statements, run once the FTS tables are rebuilt. */
  readonly triggers: readonly SchemaObject[];
  readonly fts: readonly string[];
  /** The importing process, so another process opening the file (the CLI beside the app) leaves its load alone. */
  readonly owner?: number;
}

/** Whether another process that is still running owns the pending load. */
function ownedElsewhere(marker: Marker): boolean {
  if (marker.owner === undefined || marker.owner === process.pid) return false;
  try {
    process.kill(marker.owner, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user; ESRCH: it is gone.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * FTS5 buffers this many bytes of new postings before writing a segment: 64× its default, so a rebuild
 * writes and merges far fewer segments (719k ImageGem prompts: 13 s of CPU instead of 23 s; 256 MiB saved
 * 2 s more, but an import's peak memory has no room for it). Set for the rebuild only, then reset.
 */
const REBUILD_HASH_BYTES = 64 * 1024 * 1024;
const DEFAULT_HASH_BYTES = 1024 * 1024;

function readMarker(connection: Database.Database): Marker | undefined {
  const hasSettings = connection
    .prepare<[], number>(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'settings'`)
    .pluck()
    .get();
  if (!hasSettings) return undefined;
  const value = connection
    .prepare<[string], string>('SELECT value FROM settings WHERE key = ?')
    .pluck()
    .get(MARKER_KEY);
  return value === undefined ? undefined : (JSON.parse(value) as Marker);
}

function writeMarker(connection: Database.Database, marker: Marker): void {
  connection
    .prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    )
    .run(MARKER_KEY, JSON.stringify(marker));
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Whether a bulk load is under way (or was interrupted and not yet completed). */
export function bulkLoadPending(connection: Database.Database): boolean {
  return readMarker(connection) !== undefined;
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/**
 * Drops the non-unique indexes of the plan's tables and its triggers, recording them first, in one
 * transaction. Returns false, changing nothing, when a bulk load is already pending.
 */
export function beginBulkLoad(connection: Database.Database, plan: BulkLoadPlan): boolean {
  return connection.transaction(() => {
    if (readMarker(connection) !== undefined) return false;
    const indexes = connection
      .prepare<string[], SchemaObject>(
        `SELECT m.name, m.sql FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name
         WHERE m.type = 'index' AND m.sql IS NOT NULL AND l."unique" = 0
           AND m.tbl_name IN (${placeholders(plan.tables)})
         ORDER BY m.rowid`,
      )
      .all(...plan.tables);
    const triggers = connection
      .prepare<string[], SchemaObject>(
        `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${placeholders(plan.triggers)})
         ORDER BY rowid`,
      )
      .all(...plan.triggers);
    writeMarker(connection, { indexes, triggers, fts: plan.fts, owner: process.pid });
    for (const index of indexes) connection.exec(`DROP INDEX ${quote(index.name)}`);
    for (const trigger of triggers) connection.exec(`DROP TRIGGER ${quote(trigger.name)}`);
    return true;
  })();
}

export interface BulkLoadStep {
  readonly done: number;
  readonly total: number;
  /** The index, or the FTS tables, being built now. */
  readonly building: string;
}

/**
 * Builds the indexes a pending bulk load dropped, one transaction each (the marker shrinks with each, so
 * a kill in between loses nothing), then rebuilds the FTS tables, puts the triggers back and removes the
 * marker in one last transaction. Does nothing when no load is pending.
 */
export function finishBulkLoad(
  connection: Database.Database,
  onStep: (step: BulkLoadStep) => void = () => {},
  options: { readonly unlessOwnedElsewhere?: boolean } = {},
): void {
  const start = readMarker(connection);
  if (start === undefined) return;
  if (options.unlessOwnedElsewhere === true && ownedElsewhere(start)) return;
  const indexes = start.indexes.length;
  const total = indexes + 1;
  for (;;) {
    const marker = readMarker(connection);
    if (marker === undefined) return;
    const next = marker.indexes[0];
    if (next === undefined) {
      onStep({ done: indexes, total, building: marker.fts.join(', ') });
      connection.transaction(() => rebuildSearch(connection, marker))();
      // The rebuild is one large transaction; without this its pages would keep the WAL file that large.
      connection.pragma('wal_checkpoint(TRUNCATE)');
      return;
    }
    onStep({ done: indexes - marker.indexes.length, total, building: next.name });
    connection.transaction(() => {
      const exists = connection
        .prepare<[string], number>(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`)
        .pluck()
        .get(next.name);
      if (!exists) connection.exec(next.sql);
      writeMarker(connection, { ...marker, indexes: marker.indexes.slice(1) });
    })();
  }
}

function rebuildSearch(connection: Database.Database, marker: Marker): void {
  for (const fts of marker.fts) {
    const table = quote(fts);
    connection.exec(`INSERT INTO ${table} (${table}, rank) VALUES ('hashsize', ${REBUILD_HASH_BYTES})`);
    connection.exec(`INSERT INTO ${table} (${table}) VALUES ('rebuild')`);
    connection.exec(`INSERT INTO ${table} (${table}, rank) VALUES ('hashsize', ${DEFAULT_HASH_BYTES})`);
  }
  for (const trigger of marker.triggers) {
    const exists = connection
      .prepare<[string], number>(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?`)
      .pluck()
      .get(trigger.name);
    if (!exists) connection.exec(trigger.sql);
  }
  connection.prepare('DELETE FROM settings WHERE key = ?').run(MARKER_KEY);
}
