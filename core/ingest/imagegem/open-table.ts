import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../../api';
import type { FieldAliases } from './column-match';
import { CsvTableReader } from './csv.reader';
import { DatasetFileError } from './imagegem.errors';
import { JsonlTableReader } from './jsonl.reader';
import { ParquetTableReader } from './parquet.reader';
import type { RowChunk, TableFormat, TableReader } from './table.reader';

export type FormatChoice = TableFormat | 'auto';

const EXTENSIONS: Readonly<Record<string, TableFormat>> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
};

/** The format a file's name says, else what its first bytes look like. */
export function detectFormat(file: string): TableFormat {
  const byName = EXTENSIONS[path.extname(file).toLowerCase()];
  if (byName) return byName;
  const head = Buffer.alloc(64);
  const fd = openSync(file, 'r');
  let length: number;
  try {
    length = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1', 0, 4) === 'PAR1') return 'parquet';
  return head.toString('utf8', 0, length).trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

/**
 * The files of a table: the file itself, or the data files of a folder (a sharded export such as
 * `train-00000-of-00004.parquet`) in name order.
 */
export function tableFiles(input: string): string[] {
  const resolved = path.resolve(input);
  let stat;
  try {
    stat = statSync(resolved);
  } catch {
    throw new AtelierError(
      'PATH_NOT_FOUND',
      `${resolved} does not exist. Check the path of the ImageGem table.`,
    );
  }
  if (!stat.isDirectory()) return [resolved];
  const files = readdirSync(resolved)
    .filter((name) => EXTENSIONS[path.extname(name).toLowerCase()] !== undefined)
    .sort()
    .map((name) => path.join(resolved, name));
  if (files.length === 0) {
    throw new DatasetFileError(
      resolved,
      'unknown-format',
      `${resolved} holds no .parquet, .csv or .jsonl file. Point the import at the table's file or folder.`,
    );
  }
  return files;
}

async function openFile(file: string, choice: FormatChoice): Promise<TableReader> {
  const format = choice === 'auto' ? detectFormat(file) : choice;
  switch (format) {
    case 'parquet':
      return ParquetTableReader.open(file);
    case 'csv':
      return CsvTableReader.open(file);
    case 'jsonl':
      return JsonlTableReader.open(file);
  }
}

/** Several files read as one table; a resumed read skips whole Parquet files by their row counts. */
class ShardedTableReader implements TableReader {
  readonly columns: readonly string[];
  readonly format: TableFormat;
  readonly totalRows: number | null;

  constructor(
    readonly path: string,
    private readonly first: TableReader,
    private readonly files: readonly string[],
    private readonly choice: FormatChoice,
  ) {
    this.columns = first.columns;
    this.format = first.format;
    this.totalRows = null;
  }

  async *chunks(fields: readonly FieldAliases[], fromRow: number): AsyncGenerator<RowChunk> {
    let offset = 0;
    for (let i = 0; i < this.files.length; i++) {
      const reader = i === 0 ? this.first : await openFile(this.files[i]!, this.choice);
      if (reader.totalRows !== null && offset + reader.totalRows <= fromRow) {
        offset += reader.totalRows;
        continue;
      }
      let rowsSeen = 0;
      for await (const chunk of reader.chunks(fields, Math.max(0, fromRow - offset))) {
        rowsSeen = chunk.firstRow + chunk.rows.length;
        yield {
          ...chunk,
          firstRow: chunk.firstRow + offset,
          done: (i + chunk.done) / this.files.length,
        };
      }
      // A text file read to its end without a row past `fromRow` still has to count toward the offset.
      offset += reader.totalRows ?? (rowsSeen > 0 ? rowsSeen : await countRows(reader));
    }
  }
}

async function countRows(reader: TableReader): Promise<number> {
  let rows = 0;
  for await (const chunk of reader.chunks([], 0)) rows = chunk.firstRow + chunk.rows.length;
  return rows;
}

export async function openTable(input: string, choice: FormatChoice): Promise<TableReader> {
  const files = tableFiles(input);
  const first = await openFile(files[0]!, choice);
  return files.length === 1 ? first : new ShardedTableReader(path.resolve(input), first, files, choice);
}
