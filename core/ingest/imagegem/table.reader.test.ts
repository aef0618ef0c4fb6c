import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing';
import { detectFormat, openTable } from './open-table';
import { ParquetTableReader } from './parquet.reader';
import type { RowChunk, TableReader } from './table.reader';

const FIELDS = [['id'], ['userHash'], ['prompt']];

async function collect(reader: TableReader, fromRow = 0): Promise<{ chunks: RowChunk[]; rows: unknown[][] }> {
  const chunks: RowChunk[] = [];
  for await (const chunk of reader.chunks(FIELDS, fromRow)) chunks.push(chunk);
  const rows = chunks.flatMap((chunk) =>
    chunk.rows.map((row) =>
      typeof row === 'string' ? [row] : Array.from(chunk.index, (at) => (at < 0 ? undefined : row[at])),
    ),
  );
  return { chunks, rows };
}

describe('table readers', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('atelier-readers-');
  });
  afterEach(() => dir.dispose());

  it('read a big Parquet row group in slices, without an offset index too, and resume inside it', async () => {
    const file = path.join(dir.path, 'one-group.parquet');
    const n = 5000;
    parquetWriteFile({
      filename: file,
      rowGroupSize: n,
      columnData: [
        {
          name: 'id',
          type: 'INT64',
          data: Array.from({ length: n }, (_, i) => BigInt(i)),
          offsetIndex: false,
        },
        {
          name: 'userHash',
          type: 'STRING',
          data: Array.from({ length: n }, (_, i) => `u${i % 7}`),
          offsetIndex: false,
        },
        { name: 'other', type: 'STRING', data: Array.from({ length: n }, () => 'x'), offsetIndex: false },
      ],
    });
    const reader = await ParquetTableReader.open(file, 1000);
    expect(reader.totalRows).toBe(n);
    const all = await collect(reader);
    expect(all.chunks.map((c) => c.firstRow)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(all.chunks.at(-1)!.done).toBe(1);
    expect(all.rows.map((r) => r[0])).toEqual(Array.from({ length: n }, (_, i) => BigInt(i)));
    expect(all.rows[6]).toEqual([6n, 'u6', undefined]);

    const resumed = await collect(reader, 2500);
    expect(resumed.chunks[0]!.firstRow).toBe(2500);
    expect(resumed.rows[0]![0]).toBe(2500n);
    expect(resumed.rows).toHaveLength(2500);
  });

  it('read CSV with quoted fields and skip to a row', async () => {
    const file = path.join(dir.path, 'table.csv');
    const lines = [
      'id,prompt,userHash',
      ...Array.from({ length: 12 }, (_, i) => `${i},"a, ""quoted""\nprompt ${i}",h${i}`),
    ];
    writeFileSync(file, lines.join('\r\n'));
    const reader = await openTable(file, 'auto');
    expect(reader.columns).toEqual(['id', 'prompt', 'userHash']);
    const { rows } = await collect(reader, 10);
    expect(rows).toEqual([
      ['10', 'h10', 'a, "quoted"\nprompt 10'],
      ['11', 'h11', 'a, "quoted"\nprompt 11'],
    ]);
  });

  it('stop CSV that stops being CSV with a typed error after the rows before it', async () => {
    const file = path.join(dir.path, 'broken.csv');
    writeFileSync(file, 'id,userHash,prompt\n1,a,ok\n2,b,"never closed\n');
    const reader = await openTable(file, 'csv');
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of reader.chunks(FIELDS, 0)) seen.push(...chunk.rows);
      })(),
    ).rejects.toMatchObject({ problem: 'malformed' });
    expect(seen).toEqual([['1', 'a', 'ok']]);
  });

  it('read JSON Lines whose keys vary by row, and turn broken lines into bad rows', async () => {
    const file = path.join(dir.path, 'table.ndjson');
    writeFileSync(
      file,
      [
        '{"id": 1, "userHash": "a"}',
        '',
        '{"ID": 2, "user_hash": "b", "prompt": "cat ✓"}',
        'not json',
        '[1]',
        '{"id": 3}',
      ].join('\n'),
    );
    expect(detectFormat(file)).toBe('jsonl');
    const reader = await openTable(file, 'auto');
    const { rows } = await collect(reader);
    expect(rows).toEqual([
      [1, 'a', undefined],
      [2, 'b', 'cat ✓'],
      ['not valid JSON'],
      ['not a JSON object'],
      [3, undefined, undefined],
    ]);
    expect((await collect(reader, 3)).rows).toEqual([['not a JSON object'], [3, undefined, undefined]]);
  });

  it('detect the format of a file without a known extension from its first bytes', () => {
    const parquet = path.join(dir.path, 'data.bin');
    parquetWriteFile({ filename: parquet, columnData: [{ name: 'id', type: 'INT32', data: [1] }] });
    const csv = path.join(dir.path, 'data.txt');
    writeFileSync(csv, 'id\n1\n');
    const jsonl = path.join(dir.path, 'data');
    writeFileSync(jsonl, '  {"id": 1}\n');
    expect([parquet, csv, jsonl].map(detectFormat)).toEqual(['parquet', 'csv', 'jsonl']);
  });

  it('refuse a folder without data files and a path that does not exist', async () => {
    await expect(openTable(dir.path, 'auto')).rejects.toMatchObject({ problem: 'unknown-format' });
    await expect(openTable(path.join(dir.path, 'missing.parquet'), 'auto')).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
    });
  });
});
