import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FieldAliases } from './column-match';
import { matchColumns } from './column-match';
import { DatasetFileError } from './imagegem.errors';
import type { RowChunk, TableReader } from './table.reader';

/**
 * Rows decoded at a time. A row group is read whole when it is no larger, else in slices of this many
 * rows, so a file written with one huge row group still imports in bounded memory.
 */
export const PARQUET_SLICE_ROWS = 65_536;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Parquet through hyparquet, one row group (or slice of one) at a time; only requested columns are decoded. */
export class ParquetTableReader implements TableReader {
  readonly format = 'parquet';
  readonly columns: readonly string[];
  readonly totalRows: number;

  private constructor(
    readonly path: string,
    private readonly file: AsyncBuffer,
    private readonly metadata: FileMetaData,
    private readonly sliceRows: number,
  ) {
    this.columns = parquetSchema(metadata).children.map((child) => child.element.name);
    this.totalRows = Number(metadata.num_rows);
  }

  /** Reads the footer; a file without a complete one (cut short, or not Parquet) is refused here. */
  static async open(path: string, sliceRows = PARQUET_SLICE_ROWS): Promise<ParquetTableReader> {
    const file = await asyncBufferFromFile(path);
    try {
      return new ParquetTableReader(path, file, await parquetMetadataAsync(file), sliceRows);
    } catch (error) {
      throw new DatasetFileError(
        path,
        'truncated',
        `${path} is not a complete Parquet file (${reasonOf(error)}). It may have been cut short by an ` +
          'interrupted download or copy: download it again, then run the import again. Rows already ' +
          'imported are kept and are not added twice.',
      );
    }
  }

  async *chunks(fields: readonly FieldAliases[], fromRow: number): AsyncGenerator<RowChunk> {
    const found = matchColumns(this.columns, fields);
    const selected: string[] = [];
    const index = new Int32Array(fields.length).fill(-1);
    found.forEach((column, field) => {
      if (column < 0) return;
      index[field] = selected.length;
      selected.push(this.columns[column]!);
    });
    let groupStart = 0;
    for (const group of this.metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      for (let start = Math.max(groupStart, fromRow); start < groupEnd; start += this.sliceRows) {
        const end = Math.min(groupEnd, start + this.sliceRows);
        const rows = await this.read(selected, start, end);
        yield { firstRow: start, rows, index, done: end / Math.max(1, this.totalRows) };
      }
      groupStart = groupEnd;
    }
  }

  private async read(columns: string[], rowStart: number, rowEnd: number): Promise<unknown[][]> {
    let rows: unknown[][] = [];
    try {
      await parquetRead({
        file: this.file,
        metadata: this.metadata,
        columns,
        rowStart,
        rowEnd,
        compressors,
        useOffsetIndex: true,
        onComplete: (result) => {
          rows = result;
        },
      });
    } catch (error) {
      throw new DatasetFileError(
        this.path,
        'corrupt',
        `${this.path} could not be read from row ${rowStart + 1} on (${reasonOf(error)}). Rows before it ` +
          'are imported; replace the file with a good copy and run the import again to add the rest.',
      );
    }
    if (rows.length !== rowEnd - rowStart) {
      throw new DatasetFileError(
        this.path,
        'corrupt',
        `${this.path} gave ${rows.length} rows where its footer promises ${rowEnd - rowStart} (rows ${rowStart + 1}–${rowEnd}). Replace the file with a good copy and run the import again.`,
      );
    }
    return rows;
  }
}
