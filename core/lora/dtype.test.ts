import { describe, expect, it } from 'vitest';
import { decodeFloat32, encodeFloat, float32ToBfloat16Bits, float32ToHalfBits } from './dtype';

function halfBytes(bits: number[]): Uint8Array {
  return new Uint8Array(new Uint16Array(bits).buffer);
}

describe('F16', () => {
  it('decodes known half values', () => {
    const values = decodeFloat32(
      halfBytes([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x8000, 0x3555]),
      'F16',
    );
    expect(Array.from(values)).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      2 ** -14,
      Infinity,
      -Infinity,
      -0,
      Math.fround(0.333251953125),
    ]);
    expect(Number.isNaN(decodeFloat32(halfBytes([0x7e00]), 'F16')[0])).toBe(true);
  });

  it('encodes every half value back to its own bits', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = decodeFloat32(new Uint8Array(all.buffer), 'F16');
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const bits = float32ToHalfBits(decoded[h]!);
      const ok = Number.isNaN(decoded[h]) ? (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0 : bits === h;
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds to nearest even and overflows to infinity', () => {
    expect(float32ToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie → even (down)
    expect(float32ToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(float32ToHalfBits(65520)).toBe(0x7c00);
    expect(float32ToHalfBits(2 ** -25)).toBe(0x0000); // tie with zero → even
    expect(float32ToHalfBits(2 ** -25 * 1.5)).toBe(0x0001);
    expect(float32ToHalfBits(-1e-10)).toBe(0x8000);
  });

  it('decodes unaligned bytes', () => {
    const bytes = new Uint8Array(5);
    bytes.set(halfBytes([0x3c00, 0x4000]), 1);
    expect(Array.from(decodeFloat32(bytes.subarray(1), 'F16'))).toEqual([1, 2]);
  });
});

describe('BF16, F32, F64', () => {
  it('round-trips bfloat16 with round-to-nearest-even', () => {
    expect(float32ToBfloat16Bits(1)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    const values = [0, -3.5, 1e30, -1e-30, Infinity];
    const decoded = decodeFloat32(encodeFloat(values, 'BF16'), 'BF16');
    values.forEach((v, i) => {
      if (Number.isFinite(v)) expect(Math.abs(decoded[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -8);
      else expect(decoded[i]).toBe(v);
    });
    expect(Number.isNaN(decodeFloat32(encodeFloat([Number.NaN], 'BF16'), 'BF16')[0])).toBe(true);
  });

  it('round-trips F32 exactly and F64 to float32 precision', () => {
    const values = Float32Array.from([0.1, -2.5, 3e-40, 1e38]);
    expect(decodeFloat32(encodeFloat(values, 'F32'), 'F32')).toEqual(values);
    expect(decodeFloat32(encodeFloat([0.1, 1 / 3], 'F64'), 'F64')).toEqual(Float32Array.from([0.1, 1 / 3]));
  });
});
