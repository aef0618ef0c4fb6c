import { describe, expect, it } from 'vitest';
import { createRng, fillGaussian, svd } from '../math';
import { encodeFloat, type FloatDtype } from './dtype';
import { reduceLowRank, type RankRule } from './reduce';
import { DENSE_REDUCE_LIMIT, ModuleReducer, reduceDense, type StoredLowRankModule } from './reduce.module';

const rng = createRng(61);
const simd = new ModuleReducer();
const plain = new ModuleReducer({ simd: false });

interface Case {
  readonly module: StoredLowRankModule;
  readonly up: Uint8Array;
  readonly down: Uint8Array;
  readonly upValues: Float32Array;
  readonly downValues: Float32Array;
}

/** Random factors, rounded to `dtype` first so every path starts from the same numbers. */
function stored(out: number, inF: number, r: number, dtype: FloatDtype, alpha: number | null = r / 2): Case {
  const round = (x: Float32Array) => {
    const bytes = encodeFloat(x, dtype);
    return { bytes, values: x.map((_, i) => decode(bytes, dtype, i)) };
  };
  const up = round(fillGaussian(rng, new Float32Array(out * r), 0.05));
  const down = round(fillGaussian(rng, new Float32Array(r * inF), 0.1));
  return {
    module: { upDtype: dtype, downDtype: dtype, alpha, rank: r, outFeatures: out, inFeatures: inF },
    up: up.bytes,
    down: down.bytes,
    upValues: up.values,
    downValues: down.values,
  };
}

function decode(bytes: Uint8Array, dtype: FloatDtype, i: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F64':
      return view.getFloat64(i * 8, true);
    case 'F32':
      return view.getFloat32(i * 4, true);
    case 'BF16':
      return new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0]!;
    case 'F16': {
      const h = view.getUint16(i * 2, true);
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const v = e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
      return h & 0x8000 ? -v : v;
    }
  }
}

function relFrob(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    d += (x[i]! - ref[i]!) ** 2;
    n += ref[i]! ** 2;
  }
  return Math.sqrt(d / n);
}

function reference(c: Case, rule: RankRule) {
  const result = reduceLowRank(
    {
      up: c.upValues,
      down: c.downValues,
      alpha: c.module.alpha,
      rank: c.module.rank,
      outFeatures: c.module.outFeatures,
      inFeatures: c.module.inFeatures,
    },
    rule,
    { method: 'householder' },
  );
  if (!result.ok) throw new Error(result.problem.message);
  return result;
}

describe('ModuleReducer', () => {
  it('runs WebAssembly SIMD in Node', () => {
    expect(simd.usesSimd).toBe(true);
    expect(plain.usesSimd).toBe(false);
  });

  it.each([
    [80, 40, 8, 'F16'],
    [40, 128, 8, 'BF16'],
    [64, 33, 6, 'F32'],
    [33, 70, 12, 'F64'],
    [320, 40, 32, 'F16'],
    [50, 51, 5, 'F16'],
  ] as const)('%i×%i rank %i %s: matches Householder QR at rank 1 and full rank', (out, inF, r, dtype) => {
    const c = stored(out, inF, r, dtype);
    for (const rule of [
      { kind: 'fixed', rank: 1 },
      { kind: 'fixed', rank: r },
    ] as const) {
      const ref = reference(c, rule);
      for (const reducer of [simd, plain]) {
        const got = reducer.reduce(c.module, c.up, c.down, rule);
        if (!got.ok) throw new Error(got.problem.message);
        expect(got.report.method).toBe('gram');
        expect(got.report.newRank).toBe(ref.report.newRank);
        expect(relFrob(got.factors.up, ref.factors.up)).toBeLessThan(1e-5);
        expect(relFrob(got.factors.down, ref.factors.down)).toBeLessThan(1e-5);
        for (let t = 0; t < r; t++) {
          expect(Math.abs(got.report.singularValues[t]! - ref.report.singularValues[t]!)).toBeLessThan(
            1e-10 * ref.report.singularValues[0]!,
          );
        }
      }
    }
  });

  it('names the first NaN or Inf instead of reducing', () => {
    const c = stored(40, 24, 4, 'F16');
    const up = c.up.slice();
    new DataView(up.buffer).setUint16(2 * 17, 0x7e00, true);
    const result = simd.reduce(c.module, up, c.down, { kind: 'fixed', rank: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatchObject({ code: 'NON_FINITE', tensor: 'up', index: 17 });
  });

  it('falls back to Householder QR for rank-deficient and over-parameterized modules', () => {
    const deficient = stored(40, 24, 4, 'F32');
    // Column 3 of up repeats column 0: the Gram matrix is singular.
    const view = new DataView(deficient.up.buffer);
    for (let i = 0; i < 40; i++) view.setFloat32((i * 4 + 3) * 4, view.getFloat32(i * 4 * 4, true), true);
    const a = simd.reduce(deficient.module, deficient.up, deficient.down, { kind: 'fixed', rank: 1 });
    expect(a.ok && a.report.method).toBe('householder');
    const wide = stored(6, 5, 8, 'F32');
    const b = simd.reduce(wide.module, wide.up, wide.down, { kind: 'fixed', rank: 8 });
    expect(b.ok && b.report.method).toBe('householder');
  });

  it('refuses byte counts that do not match the shapes', () => {
    const c = stored(10, 8, 2, 'F16');
    expect(() => simd.reduce(c.module, c.up.subarray(2), c.down, { kind: 'fixed', rank: 1 })).toThrow(
      RangeError,
    );
  });
});

describe('reduceDense', () => {
  it('reduces a dense ΔW of rank 3 exactly, and to its best rank-1 approximation', () => {
    for (const [out, inF] of [
      [30, 20],
      [20, 30],
    ] as const) {
      const a = fillGaussian(rng, new Float64Array(out * 3));
      const b = fillGaussian(rng, new Float64Array(3 * inF));
      const delta = new Float32Array(out * inF);
      for (let i = 0; i < out; i++)
        for (let j = 0; j < inF; j++)
          for (let t = 0; t < 3; t++) delta[i * inF + j]! += a[i * 3 + t]! * b[t * inF + j]!;
      const exact = reduceDense(delta, out, inF, { kind: 'sv_ratio', ratio: 1e6 });
      if (!exact.ok) throw new Error('unexpected problem');
      expect(exact.report.newRank).toBe(3);
      const back = new Float64Array(out * inF);
      for (let i = 0; i < out; i++)
        for (let j = 0; j < inF; j++)
          for (let t = 0; t < 3; t++)
            back[i * inF + j]! += exact.factors.up[i * 3 + t]! * exact.factors.down[t * inF + j]!;
      expect(relFrob(back, delta)).toBeLessThan(1e-5);
      const { s } = svd(delta, out, inF);
      const one = reduceDense(delta, out, inF, { kind: 'fixed', rank: 1 });
      expect(one.ok && one.report.singularValues[0]).toBeCloseTo(s[0]!, 4);
    }
    expect(DENSE_REDUCE_LIMIT).toBeGreaterThanOrEqual(64);
  });
});
