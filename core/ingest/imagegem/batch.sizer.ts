/**
 * Rows per write transaction. Larger batches cost less (at 1M rows, 50,000-row batches took a fifth less
 * CPU than 10,000: each commit writes every index page it touched to the WAL), but a batch holds the
 * write lock, and on the engine's thread blocks its other calls, for as long as it runs. So batches aim
 * at a fixed time, sized from how long the last ones took per row, within fixed bounds.
 */
export class BatchSizer {
  private msPerRow: number | undefined;

  constructor(
    private readonly targetMs: number,
    private readonly minRows: number,
    private readonly maxRows: number,
  ) {}

  /** A fixed size, for tests and callers that want batches they can count. */
  static fixed(rows: number): BatchSizer {
    return new BatchSizer(0, rows, rows);
  }

  next(): number {
    if (this.msPerRow === undefined || this.minRows === this.maxRows) return this.minRows;
    const rows = Math.round(this.targetMs / this.msPerRow);
    return Math.min(this.maxRows, Math.max(this.minRows, rows));
  }

  /** Records a committed batch; recent batches weigh most, as the tables (and their indexes) grow. */
  observe(rows: number, ms: number): void {
    if (rows === 0) return;
    const perRow = ms / rows;
    this.msPerRow = this.msPerRow === undefined ? perRow : 0.5 * this.msPerRow + 0.5 * perRow;
  }
}
