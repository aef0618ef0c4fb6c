/**
 * At most one request in flight; while it runs, newer inputs replace each other and only the latest is
 * sent next. Dragging a slider yields dozens of values a second: this sends as fast as the engine answers,
 * shows every answer while the next is computed, and never lets an older answer overwrite a newer one.
 */
export class LatestOnlyQueue<I, O> {
  private inFlight = false;
  private pending: { input: I } | null = null;
  private generation = 0;
  private disposed = false;

  constructor(
    private readonly send: (input: I) => Promise<O>,
    private readonly onResult: (output: O, input: I) => void,
    private readonly onError: (error: unknown, input: I) => void,
  ) {}

  /** Asks for `input`; an input still waiting is dropped in favour of this one. */
  push(input: I): void {
    if (this.disposed) return;
    this.pending = { input };
    if (!this.inFlight) this.next();
  }

  /** Forget waiting and running requests, e.g. when the LoRA or space changes; their answers are ignored. */
  clear(): void {
    this.generation++;
    this.pending = null;
    this.inFlight = false;
  }

  dispose(): void {
    this.clear();
    this.disposed = true;
  }

  get busy(): boolean {
    return this.inFlight;
  }

  private next(): void {
    const waiting = this.pending;
    if (waiting === null || this.disposed) return;
    this.pending = null;
    this.inFlight = true;
    const generation = this.generation;
    const settle = (report: () => void) => {
      if (generation !== this.generation) return;
      this.inFlight = false;
      // Answers arrive in order (one at a time), so each is the newest there is: show it while the next runs.
      report();
      this.next();
    };
    this.send(waiting.input).then(
      (output) => settle(() => this.onResult(output, waiting.input)),
      (error: unknown) => settle(() => this.onError(error, waiting.input)),
    );
  }
}
