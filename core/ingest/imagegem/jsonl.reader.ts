import { createReadStream, statSync } from 'node:fs';
import type { FieldAliases } from './column-match';
import { matchColumns } from './column-match';
import { TEXT_CHUNK_ROWS } from './table.reader';
import type { RowChunk, TableReader } from './table.reader';

const NEWLINE = 0x0a;

/** Non-empty lines of a file with their byte end, split on bytes so no UTF-8 sequence is cut. */
async function* linesOf(path: string): AsyncGenerator<{ text: string; end: number }> {
  let carry: Buffer = Buffer.alloc(0);
  let consumed = 0;
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = carry.length === 0 ? (piece as Buffer) : Buffer.concat([carry, piece as Buffer]);
    let start = 0;
    for (let at = buffer.indexOf(NEWLINE); at >= 0; at = buffer.indexOf(NEWLINE, start)) {
      const text = buffer.toString('utf8', start, at).trim();
      if (text !== '') yield { text, end: consumed + at + 1 };
      start = at + 1;
    }
    consumed += start;
    carry = buffer.subarray(start);
  }
  const text = carry.toString('utf8').trim();
  if (text !== '') yield { text, end: consumed + carry.length };
}

/** JSON Lines: one object per line. A line that is not a JSON object is a bad row, not the end of the file. */
export class JsonlTableReader implements TableReader {
  readonly format = 'jsonl';
  readonly totalRows = null;

  private constructor(
    readonly path: string,
    readonly columns: readonly string[],
    private readonly size: number,
  ) {}

  static async open(path: string): Promise<JsonlTableReader> {
    let columns: string[] = [];
    for await (const line of linesOf(path)) {
      try {
        const first: unknown = JSON.parse(line.text);
        if (first !== null && typeof first === 'object' && !Array.isArray(first))
          columns = Object.keys(first);
      } catch {
        // The first row is judged again, and counted as bad, when the rows are read.
      }
      break;
    }
    return new JsonlTableReader(path, columns, statSync(path).size);
  }

  async *chunks(fields: readonly FieldAliases[], fromRow: number): AsyncGenerator<RowChunk> {
    const identity = Int32Array.from(fields, (_, i) => i);
    // Keys may differ from row to row, so each key is matched to a field once, on first sight.
    const fieldOfKey = new Map<string, number>();
    const fieldOf = (key: string): number => {
      let field = fieldOfKey.get(key);
      if (field === undefined) {
        field = matchColumns([key], fields).indexOf(0);
        fieldOfKey.set(key, field);
      }
      return field;
    };
    let rowNumber = -1;
    let firstRow = fromRow;
    let rows: (unknown[] | string)[] = [];
    let end = 0;
    for await (const line of linesOf(this.path)) {
      if (++rowNumber < fromRow) continue;
      end = line.end;
      rows.push(this.cellsOf(line.text, fields.length, fieldOf));
      if (rows.length === TEXT_CHUNK_ROWS) {
        yield { firstRow, rows, index: identity, done: end / Math.max(1, this.size) };
        firstRow += rows.length;
        rows = [];
      }
    }
    if (rows.length > 0) yield { firstRow, rows, index: identity, done: 1 };
  }

  private cellsOf(text: string, width: number, fieldOf: (key: string) => number): unknown[] | string {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return 'not valid JSON';
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return 'not a JSON object';
    }
    const cells = new Array<unknown>(width);
    for (const [key, cell] of Object.entries(value)) {
      const field = fieldOf(key);
      if (field >= 0 && cells[field] === undefined) cells[field] = cell;
    }
    return cells;
  }
}
