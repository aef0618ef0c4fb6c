import { describe, expect, it } from 'vitest';
import { gramAAt, gramAtA } from './gram';
import { matmulTransA } from './matmul';
import { createRng, fillGaussian } from './rng';
import { createSimdKernels, type SimdKernels } from './simd';

const rng = createRng(53);

/** IEEE half → number by its definition, independent of the kernel's exponent trick. */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function kernels(): SimdKernels {
  const k = createSimdKernels();
  if (k === null) throw new Error('WebAssembly SIMD is unavailable in this Node');
  return k;
}

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe('SIMD kernels', () => {
  it('decode every half and bfloat16 code exactly, including subnormals, Inf and NaN', () => {
    const k = kernels();
    k.reserve(65536 * 2 + 65536 * 8 + 128);
    const codes = Uint16Array.from({ length: 65536 }, (_, i) => i);
    new Uint16Array(k.memory.buffer, 0, 65536).set(codes);
    const dst = 65536 * 2 + 64;
    k.decode('F16', 0, dst, 65536);
    let out = new Float64Array(k.memory.buffer, dst, 65536);
    let bad = 0;
    for (let h = 0; h < 65536; h++) if (!same(out[h]!, halfValue(h))) bad++;
    expect(bad).toBe(0);
    k.decode('BF16', 0, dst, 65536);
    out = new Float64Array(k.memory.buffer, dst, 65536);
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    bad = 0;
    for (let h = 0; h < 65536; h++) {
      bits[0] = h << 16;
      if (!same(out[h]!, asFloat[0]!)) bad++;
    }
    expect(bad).toBe(0);
  });

  it('decode float32 and odd counts', () => {
    const k = kernels();
    const values = fillGaussian(rng, new Float32Array(1003), 100);
    new Float32Array(k.memory.buffer, 0, values.length).set(values);
    k.decode('F32', 0, 8192, values.length);
    expect(Array.from(new Float64Array(k.memory.buffer, 8192, values.length))).toEqual(Array.from(values));
  });

  it.each([
    [37, 8],
    [1000, 32],
    [5, 4],
    [64, 128],
  ])('gramAtA of %i×%i matches the JS Gram', (m, n) => {
    const k = kernels();
    const a = fillGaussian(rng, new Float64Array(m * n));
    const out = m * n * 8;
    k.reserve(out + n * n * 8);
    new Float64Array(k.memory.buffer, 0, m * n).set(a);
    new Float64Array(k.memory.buffer, out, n * n).fill(0);
    k.gramAtA(0, m, n, out);
    const got = new Float64Array(k.memory.buffer, out, n * n);
    const ref = gramAtA(a, m, n);
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) expect(got[i * n + j]).toBeCloseTo(ref[i * n + j]!, 11);
  });

  it.each([
    [8, 37],
    [32, 1000],
    [4, 5],
    [128, 64],
    [4, 1],
  ])('gramAAt of %i×%i matches the JS Gram over its paired columns', (m, n) => {
    const k = kernels();
    const a = fillGaussian(rng, new Float64Array(m * n));
    const out = m * n * 8 + 8;
    k.reserve(out + m * m * 8);
    new Float64Array(k.memory.buffer, 0, m * n).set(a);
    new Float64Array(k.memory.buffer, out, m * m).fill(0);
    k.gramAAt(0, m, n, out);
    const got = new Float64Array(k.memory.buffer, out, m * m);
    const even = n - (n % 2);
    const paired = new Float64Array(m * even);
    for (let i = 0; i < m; i++) for (let j = 0; j < even; j++) paired[i * even + j] = a[i * n + j]!;
    const ref = gramAAt(paired, m, even);
    for (let i = 0; i < m; i++)
      for (let j = i; j < m; j++) expect(got[i * m + j]).toBeCloseTo(ref[i * m + j]!, 11);
  });

  it.each([
    [7, 32],
    [5, 33],
    [3, 1],
    [1000, 31],
  ])('rowsDot and rowsCombine of %i×%i match their definitions', (m, n) => {
    const k = kernels();
    const a = fillGaussian(rng, new Float64Array(m * n));
    const x = fillGaussian(rng, new Float64Array(n));
    const z = fillGaussian(rng, new Float64Array(m));
    const [at, xAt, zAt, yAt, wAt] = [
      0,
      m * n * 8,
      m * n * 8 + 8 * n,
      m * n * 8 + 8 * (n + m),
      m * n * 8 + 16 * (n + m),
    ];
    k.reserve(wAt + 8 * n);
    const view = new Float64Array(k.memory.buffer);
    view.set(a, at / 8);
    view.set(x, xAt / 8);
    view.set(z, zAt / 8);
    view.fill(0, wAt / 8, wAt / 8 + n);
    k.rowsDot(at, m, n, xAt, yAt);
    k.rowsCombine(at, m, n, zAt, wAt);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
      expect(view[yAt / 8 + i]).toBeCloseTo(s, 12);
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += z[i]! * a[i * n + j]!;
      expect(view[wAt / 8 + j]).toBeCloseTo(s, 12);
    }
  });

  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [37, 13, 11],
    [129, 4, 4],
    [130, 131, 9],
    [300, 257, 6],
    [257, 7, 133],
    [64, 2, 1],
    [5, 1, 3],
    [17, 6, 5],
  ])('gemmAtB with k=%i, m=%i, n=%i accumulates Aᵀ·B like matmulTransA', (kk, m, n) => {
    const k = kernels();
    const a = fillGaussian(rng, new Float64Array(kk * m));
    const b = fillGaussian(rng, new Float64Array(kk * n));
    const start = fillGaussian(rng, new Float64Array(m * n));
    // Odd 8-byte offsets (not 16-aligned) and a sentinel word after out.
    const [at, bt, ot] = [8, 8 * (kk * m + 3), 8 * (kk * m + kk * n + 5)];
    k.reserve(ot + 8 * m * n + 64);
    const view = new Float64Array(k.memory.buffer);
    view.set(a, at / 8);
    view.set(b, bt / 8);
    view.set(start, ot / 8);
    view[ot / 8 + m * n] = 12345;
    view[ot / 8 - 1] = 54321;
    k.gemmAtB(at, kk, m, bt, n, ot);
    const ref = matmulTransA(a, b, kk, m, n);
    const got = new Float64Array(k.memory.buffer, ot, m * n);
    let worst = 0;
    for (let i = 0; i < m * n; i++) {
      const expected = start[i]! + ref[i]!;
      worst = Math.max(worst, Math.abs(got[i]! - expected) / Math.max(1, Math.abs(expected)));
    }
    expect(worst).toBeLessThan(1e-12);
    expect(view[ot / 8 + m * n]).toBe(12345);
    expect(view[ot / 8 - 1]).toBe(54321);
    expect(Array.from(new Float64Array(k.memory.buffer, at, kk * m))).toEqual(Array.from(a));
    expect(Array.from(new Float64Array(k.memory.buffer, bt, kk * n))).toEqual(Array.from(b));
  });

  it('gemmAtB is exact on small integers, a no-op for k = 0, and refuses bad shapes', () => {
    const k = kernels();
    const [kk, m, n] = [9, 6, 5];
    const a = Float64Array.from({ length: kk * m }, (_, i) => (i % 7) - 3);
    const b = Float64Array.from({ length: kk * n }, (_, i) => (i % 5) - 2);
    const [at, bt, ot] = [0, 8 * kk * m, 8 * (kk * m + kk * n)];
    const view = new Float64Array(k.memory.buffer);
    view.set(a, at / 8);
    view.set(b, bt / 8);
    view.fill(1, ot / 8, ot / 8 + m * n);
    k.gemmAtB(at, 0, m, bt, n, ot);
    k.gemmAtB(at, kk, 0, bt, n, ot);
    k.gemmAtB(at, kk, m, bt, 0, ot);
    expect(Array.from(new Float64Array(k.memory.buffer, ot, m * n))).toEqual(
      new Array<number>(m * n).fill(1),
    );
    k.gemmAtB(at, kk, m, bt, n, ot);
    k.gemmAtB(at, kk, m, bt, n, ot);
    const ref = matmulTransA(a, b, kk, m, n);
    expect(Array.from(new Float64Array(k.memory.buffer, ot, m * n))).toEqual(
      Array.from(ref, (v) => 1 + 2 * v),
    );
    const end = k.memory.buffer.byteLength;
    expect(() => k.gemmAtB(4, kk, m, bt, n, ot)).toThrow(RangeError);
    expect(() => k.gemmAtB(at, 2.5, m, bt, n, ot)).toThrow(RangeError);
    expect(() => k.gemmAtB(at, kk, -1, bt, n, ot)).toThrow(RangeError);
    expect(() => k.gemmAtB(at, kk, m, bt, n, end - 8)).toThrow(RangeError);
    expect(() => k.gemmAtB(end - 8, kk, m, bt, n, ot)).toThrow(RangeError);
  });

  it('grows its memory and refuses misaligned or out-of-range offsets', () => {
    const k = kernels();
    const before = k.memory.buffer.byteLength;
    k.reserve(before + 1);
    expect(k.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(() => k.decode('F16', 3, 0, 8)).toThrow(RangeError);
    expect(() => k.gramAtA(0, 4, 4, k.memory.buffer.byteLength + 8)).toThrow(RangeError);
    expect(() => k.gramAtA(0, 4, 6, 256)).toThrow(RangeError);
  });
});
