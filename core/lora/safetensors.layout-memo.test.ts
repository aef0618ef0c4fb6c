import { describe, expect, it } from 'vitest';
import { rawSafetensors } from './fixtures/broken-files';
import { parseHeaderExact, parseSafetensorsHeader, readHeaderLength } from './safetensors.header';
import { parseHeaderFast } from './safetensors.header.fast';
import { LAYOUT_MEMO_MIN_BYTES, LayoutMemo } from './safetensors.layout-memo';

/** A tensor list long enough for the memo: `count` F16 tensors of `[rank, 64]`, in data order. */
function tensorList(
  count: number,
  rank: number,
  prefix = 'lora_unet_block',
): { json: string; bytes: number } {
  const parts: string[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const size = 2 * rank * 64;
    parts.push(
      `"${prefix}_${i}_attn_to_k.lora_down.weight":{"dtype":"F16","shape":[${rank},64],"data_offsets":[${offset},${offset + size}]}`,
    );
    offset += size;
  }
  return { json: parts.join(','), bytes: offset };
}

/** A file (header plus zeroed data) whose `__metadata__` comes first, padded with spaces as writers do. */
function fileWith(metadata: Record<string, string> | null, list: string, dataBytes: number, pad = 0): Buffer {
  const head = metadata === null ? '' : `"__metadata__":${JSON.stringify(metadata)},`;
  return rawSafetensors(`{${head}${list}}${' '.repeat(pad)}`, new Uint8Array(dataBytes));
}

function fast(bytes: Uint8Array, fileSize = bytes.length) {
  return parseHeaderFast(bytes, readHeaderLength(bytes, fileSize), fileSize);
}

function exact(bytes: Uint8Array, fileSize = bytes.length) {
  return parseHeaderExact(bytes, readHeaderLength(bytes, fileSize), fileSize);
}

describe('the layout memo in the fast header road', () => {
  const list = tensorList(200, 8);

  it('hands the same tensor table to headers that list the same tensors, with each file its own metadata', () => {
    expect(list.json.length).toBeGreaterThan(LAYOUT_MEMO_MIN_BYTES);
    const a = fileWith({ ss_output_name: 'first', ss_seed: '1' }, list.json, list.bytes, 3);
    const b = fileWith({ ss_output_name: 'second one', note: 'ü “q”' }, list.json, list.bytes, 7);
    // Kept from the second sighting on.
    const once = fast(a)!;
    const first = fast(a)!;
    expect(first.tensors).not.toBe(once.tensors);
    const second = fast(b)!;
    expect(second.tensors).toBe(first.tensors);
    expect(second).toEqual(exact(b));
    expect(first).toEqual(exact(a));
    expect(second.metadata).toEqual({ ss_output_name: 'second one', note: 'ü “q”' });
    expect(second.dataOffset).toBe(8 + readHeaderLength(b, b.length));
  });

  it('does not reuse a table for a list that differs in one byte', () => {
    const a = fileWith({ k: 'a' }, list.json, list.bytes);
    const other = list.json.replace('"data_offsets":[0,1024]', '"data_offsets":[0,1024] ');
    expect(other).not.toBe(list.json);
    const b = fileWith({ k: 'b' }, other, list.bytes);
    fast(b);
    fast(a);
    const first = fast(a)!;
    const second = fast(b)!;
    expect(second.tensors).not.toBe(first.tensors);
    expect(second).toEqual(exact(b));
  });

  it('still checks each file is long enough for the remembered tensors', () => {
    fast(fileWith({ k: 'a' }, list.json, list.bytes));
    fast(fileWith({ k: 'a' }, list.json, list.bytes));
    const short = fileWith({ k: 'b' }, list.json, list.bytes - 2);
    expect(fast(short)).toBeNull();
    expect(() => parseSafetensorsHeader(short)).toThrow(/beyond|outside|end|short|data/i);
  });

  it('never answers from a list that held `__metadata__` itself', () => {
    // A: metadata in the middle of its list. B: metadata first, then A's whole list (a second
    // `__metadata__`): JSON.parse keeps the last one, and so must the answer.
    const half = tensorList(100, 8);
    const rest = tensorList(100, 8, 'lora_unet_other').json.replace(
      /"data_offsets":\[(\d+),(\d+)\]/g,
      (_, x, y) => `"data_offsets":[${Number(x) + half.bytes},${Number(y) + half.bytes}]`,
    );
    const aList = `${half.json},"__metadata__":{"inner":"yes"},${rest}`;
    const a = rawSafetensors(`{${aList}}`, new Uint8Array(2 * half.bytes));
    expect(fast(a)).toEqual(exact(a));
    expect(fast(a)).toEqual(exact(a));
    const b = rawSafetensors(`{"__metadata__":{"outer":"yes"},${aList}}`, new Uint8Array(2 * half.bytes));
    const parsed = parseSafetensorsHeader(b);
    expect(parsed).toEqual(exact(b));
    expect(parsed.metadata).toEqual({ inner: 'yes' });
  });

  it('reuses tables for headers without metadata too', () => {
    const a = fileWith(null, list.json, list.bytes);
    const b = fileWith(null, list.json, list.bytes, 5);
    fast(a);
    expect(fast(b)!.tensors).toBe(fast(a)!.tensors);
    expect(fast(b)).toEqual(exact(b));
  });
});

describe('LayoutMemo', () => {
  const bytesOf = (text: string) => Buffer.from(text, 'latin1');
  const table = new Map();

  it('keeps a list from its second sighting on', () => {
    const size = LAYOUT_MEMO_MIN_BYTES;
    const memo = new LayoutMemo();
    const a = bytesOf('a'.repeat(size));
    memo.remember(a, 0, size, table);
    expect(memo.find(a, 0, size)).toBeUndefined();
    memo.remember(a, 0, size, table);
    expect(memo.find(a, 0, size)?.tensors).toBe(table);
  });

  it('forgets the least recently used layouts beyond its budget', () => {
    const size = LAYOUT_MEMO_MIN_BYTES;
    const memo = new LayoutMemo(2 * size * 2);
    const [a, b, c] = ['a', 'b', 'c'].map((ch) => bytesOf(ch.repeat(size)));
    const keep = (bytes: Buffer) => {
      memo.remember(bytes, 0, size, table);
      memo.remember(bytes, 0, size, table);
    };
    keep(a!);
    keep(b!);
    expect(memo.find(a!, 0, size)).toBeDefined(); // a is now the most recent
    keep(c!); // b goes
    expect(memo.size).toBe(2);
    expect(memo.find(b!, 0, size)).toBeUndefined();
    expect(memo.find(a!, 0, size)).toBeDefined();
    expect(memo.find(c!, 0, size)).toBeDefined();
  });

  it('keeps lists many files use when more lists come than fit, letting a newcomer in as it proves common', () => {
    const size = LAYOUT_MEMO_MIN_BYTES;
    const memo = new LayoutMemo(2 * size * 2);
    const [a, b, c] = ['a', 'b', 'c'].map((ch) => bytesOf(ch.repeat(size)));
    for (const bytes of [a!, a!, b!, b!]) memo.remember(bytes, 0, size, table);
    for (let i = 0; i < 4; i++) memo.find(a!, 0, size);
    for (let i = 0; i < 4; i++) memo.find(b!, 0, size);
    // c, seen twice, does not push out lists four files reused...
    memo.remember(c!, 0, size, table);
    memo.remember(c!, 0, size, table);
    expect(memo.find(c!, 0, size)).toBeUndefined();
    expect(memo.find(a!, 0, size)).toBeDefined();
    expect(memo.find(b!, 0, size)).toBeDefined();
    for (let i = 0; i < 4; i++) memo.find(b!, 0, size);
    // ...but a list that keeps coming (the parser remembers it after each miss) gets in, in place of
    // the less used one.
    let misses = 0;
    while (memo.find(c!, 0, size) === undefined) {
      memo.remember(c!, 0, size, table);
      expect(++misses).toBeLessThan(10);
    }
    expect(misses).toBeGreaterThan(1);
    expect(memo.size).toBe(2);
    expect(memo.find(a!, 0, size)).toBeUndefined();
    expect(memo.find(b!, 0, size)).toBeDefined();
  });

  it('ignores lists too small to be worth a copy, and compares bytes at any offset', () => {
    const memo = new LayoutMemo();
    const small = bytesOf('x'.repeat(LAYOUT_MEMO_MIN_BYTES - 1));
    memo.remember(small, 0, small.length, table);
    memo.remember(small, 0, small.length, table);
    expect(memo.size).toBe(0);
    const big = bytesOf(`pre${'y'.repeat(LAYOUT_MEMO_MIN_BYTES)}post`);
    memo.remember(big, 3, 3 + LAYOUT_MEMO_MIN_BYTES, table);
    memo.remember(big, 3, 3 + LAYOUT_MEMO_MIN_BYTES, table);
    const elsewhere = bytesOf(`other-prefix${'y'.repeat(LAYOUT_MEMO_MIN_BYTES)}`);
    expect(memo.find(elsewhere, 12, 12 + LAYOUT_MEMO_MIN_BYTES)?.tensors).toBe(table);
    expect(memo.find(elsewhere, 11, 11 + LAYOUT_MEMO_MIN_BYTES)).toBeUndefined();
  });
});
