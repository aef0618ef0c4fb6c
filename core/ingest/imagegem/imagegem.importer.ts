import { statSync } from 'node:fs';
import { AtelierError } from '../../api';
import type { ImportSummary, MethodParsedInput } from '../../api';
import type { ImageGemRepository, ImportProgress } from '../../store';
import type { FieldAliases } from './column-match';
import { matchColumns } from './column-match';
import { fingerprintOf } from './fingerprint';
import {
  fieldsOf,
  IMAGE_COLUMNS,
  MODEL_COLUMNS,
  REQUIRED_IMAGE_COLUMNS,
  REQUIRED_MODEL_COLUMNS,
} from './imagegem.columns';
import type { ColumnSpec } from './imagegem.columns';
import { DatasetFileError } from './imagegem.errors';
import { ImageRowParser, ModelRowParser } from './imagegem.rows';
import type { RowResult } from './imagegem.rows';
import { ImportTally } from './import.tally';
import { BatchSizer } from './batch.sizer';
import { openTable, tableFiles } from './open-table';
import type { FormatChoice } from './open-table';
import type { TableReader } from './table.reader';

export type ImageGemImportInput = MethodParsedInput<'import.imagegem'>;

/**
 * What a run did (the contract's `ImportSummary`). Row counts are this run's rows written, skipped rows
 * apart; `resumedFromRow` counts the input rows, models and images together, that an earlier unfinished
 * run had committed and this one passed over.
 */
export type ImageGemImportSummary = ImportSummary;

export interface ImportContext {
  readonly signal: AbortSignal;
  report(progress: number | null, message?: string): void;
}

export interface ImageGemImporterOptions {
  /** Rows per write transaction, fixed; by default batches adapt (see `BatchSizer`). */
  readonly batchRows?: number;
  /** Time a write transaction aims at when batches adapt. */
  readonly batchTargetMs?: number;
  /** Problems listed in the summary; the rest are only counted. */
  readonly maxProblems?: number;
}

type Table = 'models' | 'images';

interface TablePlan<Row> {
  readonly table: Table;
  readonly input: string;
  readonly spec: ColumnSpec;
  readonly required: readonly string[];
  readonly parse: (cells: readonly unknown[], index: Int32Array) => RowResult<Row>;
  readonly write: (rows: Row[], progress: ImportProgress) => void;
  /** Records progress when a batch held only skipped rows. */
  readonly save: (progress: ImportProgress) => void;
  readonly limit: number | undefined;
  /** Images only: drops indexes for a large load (see `ImageGemRepository.beginImageBulkLoad`). */
  readonly bulkLoad?: {
    begin(incomingRows: number): boolean;
    finish(onStep: (done: number, total: number) => void): void;
  };
}

/**
 * Bytes a row takes at least where the row count is not known up front (CSV, JSONL, a folder of shards),
 * to guess it when deciding on a bulk load: a guess on the low side keeps imports into a full library on
 * the incremental path.
 */
const TEXT_ROW_BYTES = 1000;

function sizeOf(input: string | undefined): number {
  if (input === undefined) return 0;
  return tableFiles(input).reduce((sum, file) => sum + statSync(file).size, 0);
}

/** Refuses a table without the columns a row cannot be placed without, before anything is written. */
function checkColumns(
  reader: TableReader,
  plan: { table: Table; spec: ColumnSpec; required: readonly string[] },
  aliases: readonly FieldAliases[],
  names: readonly string[],
): void {
  // JSON Lines name their keys per row, so only a header (Parquet, CSV) can be checked up front.
  if (reader.format === 'jsonl') return;
  const found = matchColumns(reader.columns, aliases);
  const missing = plan.required.filter((field) => found[names.indexOf(field)]! < 0);
  if (missing.length === 0) return;
  const wanted = missing.map((field) => plan.spec[field]![0]).join(', ');
  throw new DatasetFileError(
    reader.path,
    'missing-columns',
    `${reader.path} has no ${wanted} column, so it is not the ImageGem ${plan.table} table ` +
      `(its columns: ${reader.columns.slice(0, 20).join(', ')}).`,
  );
}

function cancelled(): AtelierError {
  return new AtelierError(
    'CANCELLED',
    'The import was cancelled. Run it again to go on from where it stopped.',
  );
}

/**
 * Imports the two ImageGem tables: models first (so images find their LoRA versions), then images.
 * Reading streams row group by row group (Parquet) or record by record (CSV, JSONL); writing is one
 * transaction per batch that also records the rows consumed, so an import that is killed, cancelled or
 * stopped by a bad file resumes after its last committed batch, and a repeated import adds nothing twice.
 */
export class ImageGemImporter {
  private readonly sizer: () => BatchSizer;
  private readonly maxProblems: number;

  constructor(
    private readonly repository: ImageGemRepository,
    options: ImageGemImporterOptions = {},
  ) {
    const { batchRows, batchTargetMs = 2000 } = options;
    this.sizer = () =>
      batchRows === undefined ? new BatchSizer(batchTargetMs, 5_000, 50_000) : BatchSizer.fixed(batchRows);
    this.maxProblems = options.maxProblems ?? 20;
  }

  async run(input: ImageGemImportInput, context: ImportContext): Promise<ImageGemImportSummary> {
    const started = performance.now();
    if (context.signal.aborted) throw cancelled();
    const fingerprint = fingerprintOf(input);
    const run = this.repository.resumeRun(fingerprint) ?? this.repository.startRun(fingerprint);
    const tally = new ImportTally(this.maxProblems);
    const resumedFromRow = run.progress.models + run.progress.images;
    const weights = { models: sizeOf(input.models), images: sizeOf(input.images) };
    const total = Math.max(1, weights.models + weights.images);
    let progress = run.progress;
    const report = (table: Table, done: number, rows: number, message?: string): void => {
      const before = table === 'images' ? weights.models : 0;
      context.report(
        (before + done * weights[table]) / total,
        `Importing ${table}: ${rows.toLocaleString('en')} rows${message === undefined ? '' : `. ${message}`}`,
      );
    };
    const restoreCache = this.repository.beginBulkWrites();
    try {
      if (input.models !== undefined) {
        const parser = new ModelRowParser();
        progress = await this.importTable(
          {
            table: 'models',
            input: input.models,
            spec: MODEL_COLUMNS,
            required: REQUIRED_MODEL_COLUMNS,
            parse: (cells, index) => parser.parse(cells, index),
            write: (rows, at) => {
              const result = this.repository.writeModels(run.id, rows, at);
              tally.modelRows += rows.length;
              tally.usersAdded += result.usersAdded;
            },
            save: (at) => this.repository.saveProgress(run.id, at),
            limit: undefined,
          },
          input.format,
          progress,
          tally,
          context.signal,
          report,
        );
      }
      if (input.images !== undefined) {
        const parser = new ImageRowParser();
        await this.importTable(
          {
            table: 'images',
            input: input.images,
            spec: IMAGE_COLUMNS,
            required: REQUIRED_IMAGE_COLUMNS,
            parse: (cells, index) => parser.parse(cells, index),
            write: (rows, at) => {
              const result = this.repository.writeImages(run.id, rows, at);
              tally.imageRows += rows.length;
              tally.usersAdded += result.usersAdded;
              tally.placeholderVersions += result.placeholderVersions;
            },
            save: (at) => this.repository.saveProgress(run.id, at),
            limit: input.limit,
            bulkLoad: {
              begin: (rows) => this.repository.beginImageBulkLoad(rows),
              finish: (onStep) => this.repository.finishImageBulkLoad(onStep),
            },
          },
          input.format,
          progress,
          tally,
          context.signal,
          report,
        );
      }
      this.repository.finishRun(run.id, 'done');
    } catch (error) {
      const aborted = context.signal.aborted;
      try {
        this.repository.finishRun(
          run.id,
          aborted ? 'cancelled' : 'failed',
          aborted ? undefined : error instanceof Error ? error.message : String(error),
        );
      } catch {
        // At shutdown the store may already be closed; the run is still resumable, as 'running'.
      }
      throw aborted ? cancelled() : error;
    } finally {
      restoreCache();
    }
    return {
      modelRows: tally.modelRows,
      imageRows: tally.imageRows,
      usersAdded: tally.usersAdded,
      skippedRows: tally.skippedRows,
      resumedFromRow,
      problems: tally.problems(),
      durationMs: performance.now() - started,
    };
  }

  private async importTable<Row>(
    plan: TablePlan<Row>,
    format: FormatChoice,
    start: ImportProgress,
    tally: ImportTally,
    signal: AbortSignal,
    report: (table: Table, done: number, rows: number, message?: string) => void,
  ): Promise<ImportProgress> {
    let progress = start;
    const from = progress[plan.table];
    if (plan.limit !== undefined && from >= plan.limit) return progress;
    const reader = await openTable(plan.input, format);
    const { names, aliases } = fieldsOf(plan.spec);
    checkColumns(reader, plan, aliases, names);

    let batch: Row[] = [];
    let consumed = from;
    let skipped = progress.skipped;
    let done = 0;
    const sizer = this.sizer();
    let batchRows = sizer.next();
    const flush = (): void => {
      progress = { ...progress, [plan.table]: consumed, skipped };
      const started = performance.now();
      if (batch.length > 0) plan.write(batch, progress);
      else plan.save(progress);
      sizer.observe(batch.length, performance.now() - started);
      batchRows = sizer.next();
      batch = [];
      report(plan.table, done, consumed);
      if (signal.aborted) throw cancelled();
    };

    const end = Math.min(reader.totalRows ?? Infinity, plan.limit ?? Infinity);
    const incoming = Number.isFinite(end)
      ? end - from
      : Math.floor(sizeOf(plan.input) / TEXT_ROW_BYTES) - from;

    const readAll = async (): Promise<void> => {
      let batchStart = consumed;
      chunks: for await (const chunk of reader.chunks(aliases, from)) {
        if (signal.aborted) throw cancelled();
        done = chunk.done;
        for (let k = 0; k < chunk.rows.length; k++) {
          const rowNumber = chunk.firstRow + k;
          if (plan.limit !== undefined && rowNumber >= plan.limit) break chunks;
          const cells = chunk.rows[k]!;
          if (typeof cells === 'string') {
            tally.skip(plan.table, rowNumber, cells);
            skipped++;
          } else {
            const result = plan.parse(cells, chunk.index);
            if ('skip' in result) {
              tally.skip(plan.table, rowNumber, result.skip);
              skipped++;
            } else {
              batch.push(result.row);
              if (result.note !== null) tally.note(plan.table, rowNumber, result.note);
            }
          }
          consumed = rowNumber + 1;
          if (consumed - batchStart >= batchRows) {
            flush();
            batchStart = consumed;
          }
        }
      }
      done = 1;
      if (consumed > batchStart || batch.length > 0) flush();
      else report(plan.table, 1, consumed);
    };

    const bulk = plan.bulkLoad?.begin(Math.max(0, incoming)) ?? false;
    try {
      await readAll();
    } catch (error) {
      // The indexes come back on cancel or a bad file too, so the library is whole while the run waits;
      // when the store is gone (shutdown), the next open builds them.
      if (bulk) {
        try {
          plan.bulkLoad!.finish(() => {});
        } catch {
          // See above.
        }
      }
      throw error;
    }
    if (bulk) {
      plan.bulkLoad!.finish((step, steps) =>
        report(plan.table, 1, consumed, `Building indexes (${step + 1} of ${steps})`),
      );
      report(plan.table, 1, consumed);
    }
    return progress;
  }
}
