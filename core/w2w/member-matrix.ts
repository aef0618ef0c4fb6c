import { open, unlink, type FileHandle } from 'node:fs/promises';

/** Columns per block: a block of 1,000 members in float64 is then 16 MB, which the Gram kernel streams well. */
export const BLOCK_COLUMNS = 2048;
/** Rows gathered before they are written, so each block gets one write per group of rows. */
const WRITE_BUFFER_BYTES = 64 * 2 ** 20;

export interface ColumnBlock {
  readonly start: number;
  readonly width: number;
}

/**
 * The members' vectors (N × D float32) in a scratch file, stored block by block (block b: every
 * member's columns start…start+width, row after row) so that the PCA's passes over column blocks read
 * one contiguous span each. At D = 3.6 M (SDXL, all layers) a member is 14 MB: the matrix never sits
 * in memory whole. Rows are appended in order; the file is deleted by `dispose`.
 */
export class MemberMatrix {
  readonly blocks: readonly ColumnBlock[];
  private readonly pending: Float32Array;
  private readonly pendingCapacity: number;
  private pendingRows = 0;
  private rowsWritten = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
    readonly rows: number,
    readonly dimension: number,
    blocks: readonly ColumnBlock[],
  ) {
    let next = 0;
    for (const block of blocks) {
      if (block.start !== next || block.width < 1)
        throw new RangeError('blocks must tile the columns in order');
      next += block.width;
    }
    if (next !== dimension) throw new RangeError(`blocks cover ${next} columns of ${dimension}`);
    this.blocks = blocks;
    this.pendingCapacity = Math.max(1, Math.min(rows, Math.floor(WRITE_BUFFER_BYTES / (4 * dimension))));
    this.pending = new Float32Array(this.pendingCapacity * dimension);
  }

  /** `blocks` tile the columns in order (default: runs of BLOCK_COLUMNS). */
  static async create(
    file: string,
    rows: number,
    dimension: number,
    blocks: readonly ColumnBlock[] = evenBlocks(dimension, BLOCK_COLUMNS),
  ): Promise<MemberMatrix> {
    const handle = await open(file, 'w+');
    return new MemberMatrix(handle, file, rows, dimension, blocks);
  }

  /** Appends the next member's vector. */
  async append(vector: Float32Array): Promise<void> {
    if (vector.length !== this.dimension)
      throw new RangeError(`vector of ${vector.length}, expected ${this.dimension}`);
    if (this.rowsWritten + this.pendingRows >= this.rows)
      throw new RangeError('more rows than the matrix holds');
    this.pending.set(vector, this.pendingRows * this.dimension);
    this.pendingRows++;
    if (this.pendingRows === this.pendingCapacity) await this.flush();
  }

  /** Writes buffered rows; called by `readBlock` too, so reads always see every appended row. */
  async flush(): Promise<void> {
    const count = this.pendingRows;
    if (count === 0) return;
    const first = this.rowsWritten;
    const staging = new Float32Array(count * Math.max(...this.blocks.map((b) => b.width)));
    for (const block of this.blocks) {
      for (let r = 0; r < count; r++) {
        const from = r * this.dimension + block.start;
        staging.set(this.pending.subarray(from, from + block.width), r * block.width);
      }
      const bytes = count * block.width * 4;
      await this.handle.write(
        new Uint8Array(staging.buffer, 0, bytes),
        0,
        bytes,
        this.offsetOf(block, first),
      );
    }
    this.rowsWritten += count;
    this.pendingRows = 0;
  }

  /** Every member's columns of `block`, row-major (rows × width), into `into`. */
  async readBlock(block: ColumnBlock, into: Float32Array): Promise<void> {
    await this.flush();
    const bytes = this.rows * block.width * 4;
    const view = new Uint8Array(into.buffer, into.byteOffset, bytes);
    let done = 0;
    while (done < bytes) {
      const { bytesRead } = await this.handle.read(view, done, bytes - done, this.offsetOf(block, 0) + done);
      if (bytesRead === 0) throw new Error(`${this.file} ended early`);
      done += bytesRead;
    }
  }

  private offsetOf(block: ColumnBlock, row: number): number {
    return (block.start * this.rows + row * block.width) * 4;
  }

  async dispose(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.file).catch(() => undefined);
  }
}

function evenBlocks(dimension: number, width: number): ColumnBlock[] {
  const blocks: ColumnBlock[] = [];
  for (let start = 0; start < dimension; start += width)
    blocks.push({ start, width: Math.min(width, dimension - start) });
  return blocks;
}
