import { createReadStream, statSync } from 'node:fs';
import { parse } from 'csv-parse';
import type { Parser } from 'csv-parse';
import type { FieldAliases } from './column-match';
import { matchColumns } from './column-match';
import { DatasetFileError } from './imagegem.errors';
import { TEXT_CHUNK_ROWS } from './table.reader';
import type { RowChunk, TableReader } from './table.reader';

function parserFor(path: string, toLine?: number): Parser {
  const parser = parse({
    bom: true,
    // A row with too few or too many cells is the row parser's to judge, not a reason to stop the file.
    relax_column_count: true,
    skip_empty_lines: true,
    ...(toLine === undefined ? {} : { to_line: toLine }),
  });
  createReadStream(path)
    .on('error', (error) => parser.destroy(error))
    .pipe(parser);
  return parser;
}

function malformed(path: string, error: unknown): DatasetFileError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DatasetFileError(
    path,
    'malformed',
    `${path} stops being valid CSV (${reason}). Rows before that point are imported; fix the file and run the import again to add the rest.`,
  );
}

/** CSV through csv-parse as a stream; the first record is the header. */
export class CsvTableReader implements TableReader {
  readonly format = 'csv';
  readonly totalRows = null;

  private constructor(
    readonly path: string,
    readonly columns: readonly string[],
    private readonly size: number,
  ) {}

  static async open(path: string): Promise<CsvTableReader> {
    const parser = parserFor(path, 1);
    let header: string[] = [];
    try {
      for await (const record of parser) header = record as string[];
    } catch (error) {
      throw malformed(path, error);
    }
    return new CsvTableReader(path, header, statSync(path).size);
  }

  async *chunks(fields: readonly FieldAliases[], fromRow: number): AsyncGenerator<RowChunk> {
    const index = matchColumns(this.columns, fields);
    const parser = parserFor(this.path);
    let rowNumber = -1;
    let rows: string[][] = [];
    let firstRow = fromRow;
    const done = (): number => Math.min(1, parser.info.bytes / Math.max(1, this.size));
    try {
      for await (const record of parser) {
        if (rowNumber++ < fromRow) continue;
        rows.push(record as string[]);
        if (rows.length === TEXT_CHUNK_ROWS) {
          yield { firstRow, rows, index, done: done() };
          firstRow += rows.length;
          rows = [];
        }
      }
    } catch (error) {
      if (rows.length > 0) yield { firstRow, rows, index, done: done() };
      throw malformed(this.path, error);
    } finally {
      parser.destroy();
    }
    if (rows.length > 0) yield { firstRow, rows, index, done: 1 };
  }
}
