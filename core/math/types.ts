/** A dense real matrix or vector, row-major. Inputs may be either width; results are Float64Array. */
export type RealArray = Float32Array | Float64Array;

/** Shape checks are programmer errors: callers own their shapes, so a mismatch is a bug, not user input. */
export function assertLength(name: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) {
    throw new RangeError(`${name}: expected ${expected} elements, got ${array.length}`);
  }
}

export function assertDims(...dims: number[]): void {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid dimension ${d}`);
  }
}
