/** A seeded pseudo-random stream. Same seed, same numbers, on every platform. */
export interface Rng {
  /** Uniform integer in [0, 2³²). */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Standard normal deviate. */
  gaussian(): number;
}

/**
 * xoshiro128** (Blackman & Vigna): 32-bit state words, so it runs on plain JS integer ops (Math.imul, >>>)
 * without BigInt, period 2¹²⁸ − 1, and passes BigCrush. The seed is expanded by splitmix32 so that nearby
 * seeds give unrelated streams and no seed yields the forbidden all-zero state.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be finite, got ${seed}`);
  let sm = (Math.trunc(seed) >>> 0) ^ Math.imul(Math.trunc(seed / 2 ** 32) >>> 0, 0x9e3779b9);
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const next = (): number => ((nextUint32() >>> 5) * 2 ** 26 + (nextUint32() >>> 6)) / 2 ** 53;

  // Box–Muller yields deviates in pairs; the second is kept for the next call.
  let spare: number | null = null;
  const gaussian = (): number => {
    if (spare !== null) {
      const g = spare;
      spare = null;
      return g;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  return { nextUint32, next, gaussian };
}

/** Fills `out` with N(0, std²) deviates from `rng` and returns it. */
export function fillGaussian<T extends Float32Array | Float64Array>(rng: Rng, out: T, std = 1): T {
  for (let i = 0; i < out.length; i++) out[i] = std * rng.gaussian();
  return out;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
