import type { FieldAliases } from './column-match';

export type TableFormat = 'parquet' | 'csv' | 'jsonl';

/** Rows of one table in file order, as read; cells are untyped until the row parsers check them. */
export interface RowChunk {
  /** Position of the first row of the chunk among the table's data rows, from 0. */
  readonly firstRow: number;
  /** Cells of each row; a string stands for a row that could not be read at all, and says why. */
  readonly rows: readonly (readonly unknown[] | string)[];
  /** For each requested field, where its cell sits in a row, or -1 when the table lacks it. */
  readonly index: Int32Array;
  /** Share of the table read so far, 0..1, for progress. */
  readonly done: number;
}

export interface TableReader {
  readonly path: string;
  readonly format: TableFormat;
  /** Column names as the file spells them (for JSONL, the keys of its first row). */
  readonly columns: readonly string[];
  /** Data rows, when the format says so up front (Parquet); null otherwise. */
  readonly totalRows: number | null;
  /**
   * The rows from `fromRow` on, only the cells of `fields` where the format allows (Parquet decodes no
   * other column). Rows before `fromRow` are passed over as cheaply as the format allows.
   */
  chunks(fields: readonly FieldAliases[], fromRow: number): AsyncGenerator<RowChunk>;
}

/** Rows handed on at a time by the text readers: small enough to keep memory flat, large enough to batch. */
export const TEXT_CHUNK_ROWS = 5000;
