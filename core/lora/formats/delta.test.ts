import { describe, expect, it } from 'vitest';
import { FixtureRng } from '../fixtures/fixture-rng';
import type { DenseOnlyModule, LowRankModule, TensorRef } from '../lora.types';
import { denseDelta, lowRankDelta } from './delta';

const rng = new FixtureRng(7);

function makeModule(
  type: 'loha' | 'lokr',
  shapes: Record<string, number[]>,
  alpha: number | null,
  out: number,
  inFeatures: number,
) {
  const values = new Map<string, Float32Array>();
  const tensors: Record<string, TensorRef> = {};
  for (const [role, shape] of Object.entries(shapes)) {
    tensors[role] = { name: role, dtype: 'F32', shape };
    values.set(
      role,
      rng.normals(
        shape.reduce((a, b) => a * b, 1),
        1,
      ),
    );
  }
  const module: DenseOnlyModule = {
    key: 'lora_unet_x',
    target: 'unet',
    kind: 'other',
    type,
    tensors,
    alpha,
    outFeatures: out,
    inFeatures,
    kernel: null,
  };
  const load = (ref: TensorRef) => Promise.resolve(values.get(ref.name)!);
  const v = (role: string) => values.get(role)!;
  return { module, load, v };
}

/** Straightforward Σ reference for a·b with a (m×k), b (k×n). */
function product(a: Float32Array, b: Float32Array, k: number, n: number, i: number, j: number): number {
  let sum = 0;
  for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
  return sum;
}

const close = (actual: Float32Array, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  const worst = expected.reduce((w, e, i) => Math.max(w, Math.abs(e - actual[i]!) / (1 + Math.abs(e))), 0);
  expect(worst).toBeLessThan(1e-5);
};

describe('denseDelta', () => {
  it('LoHa: (w1a·w1b) ⊙ (w2a·w2b) · alpha/rank', async () => {
    const [out, r, inDim] = [5, 3, 7];
    const { module, load, v } = makeModule(
      'loha',
      { hada_w1_a: [out, r], hada_w1_b: [r, inDim], hada_w2_a: [out, r], hada_w2_b: [r, inDim] },
      1.5,
      out,
      inDim,
    );
    const expected: number[] = [];
    for (let i = 0; i < out; i++) {
      for (let j = 0; j < inDim; j++) {
        const first = product(v('hada_w1_a'), v('hada_w1_b'), r, inDim, i, j);
        const second = product(v('hada_w2_a'), v('hada_w2_b'), r, inDim, i, j);
        expected.push(first * second * (1.5 / r));
      }
    }
    close(await denseDelta(module, load), expected);
  });

  it('LoHa with Tucker cores matches the einsum definition', async () => {
    const [out, r, inDim, kh, kw] = [4, 2, 3, 3, 2];
    const shapes = {
      hada_w1_a: [r, out],
      hada_w1_b: [r, inDim],
      hada_t1: [r, r, kh, kw],
      hada_w2_a: [r, out],
      hada_w2_b: [r, inDim],
      hada_t2: [r, r, kh, kw],
    };
    const { module, load, v } = makeModule('loha', shapes, null, out, inDim * kh * kw);
    // rebuild[p, q, k, l] = Σ_i Σ_j t[i, j, k, l] · b[j, q] · a[i, p]
    const rebuild = (
      t: Float32Array,
      a: Float32Array,
      b: Float32Array,
      p: number,
      q: number,
      k: number,
      l: number,
    ) => {
      let sum = 0;
      for (let i = 0; i < r; i++)
        for (let j = 0; j < r; j++)
          sum += t[((i * r + j) * kh + k) * kw + l]! * b[j * inDim + q]! * a[i * out + p]!;
      return sum;
    };
    const expected: number[] = [];
    for (let p = 0; p < out; p++)
      for (let q = 0; q < inDim; q++)
        for (let k = 0; k < kh; k++)
          for (let l = 0; l < kw; l++) {
            expected.push(
              rebuild(v('hada_t1'), v('hada_w1_a'), v('hada_w1_b'), p, q, k, l) *
                rebuild(v('hada_t2'), v('hada_w2_a'), v('hada_w2_b'), p, q, k, l),
            );
          }
    close(await denseDelta(module, load), expected);
  });

  it('LoKr: kron(w1, w2a·w2b) · alpha/rank', async () => {
    const [a, c, b, d, r] = [2, 3, 4, 5, 2];
    const { module, load, v } = makeModule(
      'lokr',
      { lokr_w1: [a, c], lokr_w2_a: [b, r], lokr_w2_b: [r, d] },
      4,
      a * b,
      c * d,
    );
    const expected: number[] = [];
    for (let row = 0; row < a * b; row++) {
      for (let col = 0; col < c * d; col++) {
        const w1 = v('lokr_w1')[Math.floor(row / b) * c + Math.floor(col / d)]!;
        expected.push(w1 * product(v('lokr_w2_a'), v('lokr_w2_b'), r, d, row % b, col % d) * (4 / r));
      }
    }
    close(await denseDelta(module, load), expected);
  });

  it('LoKr with two full factors ignores alpha and keeps 4-D kernels', async () => {
    const [a, c, b, d, kh, kw] = [2, 2, 3, 2, 3, 3];
    const { module, load, v } = makeModule(
      'lokr',
      { lokr_w1: [a, c], lokr_w2: [b, d, kh, kw] },
      8,
      a * b,
      c * d * kh * kw,
    );
    const kk = kh * kw;
    const expected: number[] = [];
    for (let row = 0; row < a * b; row++) {
      for (let col = 0; col < c * d * kk; col++) {
        const inChannel = Math.floor(col / kk);
        const w1 = v('lokr_w1')[Math.floor(row / b) * c + Math.floor(inChannel / d)]!;
        expected.push(w1 * v('lokr_w2')[((row % b) * d + (inChannel % d)) * kk + (col % kk)]!);
      }
    }
    close(await denseDelta(module, load), expected);
  });
});

describe('lowRankDelta', () => {
  it('is up·down·alpha/rank', async () => {
    const up = rng.normals(6, 1);
    const down = rng.normals(8, 1);
    const ref = (name: string, shape: number[]): TensorRef => ({ name, dtype: 'F32', shape });
    const module: LowRankModule = {
      key: 'k',
      target: 'unet',
      kind: 'other',
      type: 'lora',
      up: ref('up', [3, 2]),
      down: ref('down', [2, 4]),
      alpha: 1,
      rank: 2,
      outFeatures: 3,
      inFeatures: 4,
      kernel: null,
      doraScale: null,
    };
    const delta = await lowRankDelta(module, (r) => Promise.resolve(r.name === 'up' ? up : down));
    const expected: number[] = [];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++) expected.push(product(up, down, 2, 4, i, j) * 0.5);
    close(delta, expected);
  });
});
