/**
 * safetensors element types. Every dtype the format defines is accepted in a header so a file is
 * never refused for carrying, say, an int64 step counter; only float types decode to numbers.
 */
export const DTYPE_SIZES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
} as const;

export type Dtype = keyof typeof DTYPE_SIZES;
export type FloatDtype = 'F16' | 'BF16' | 'F32' | 'F64';

export function isDtype(value: string): value is Dtype {
  return Object.hasOwn(DTYPE_SIZES, value);
}

export function isFloatDtype(value: string): value is FloatDtype {
  return value === 'F16' || value === 'BF16' || value === 'F32' || value === 'F64';
}

export function dtypeSize(dtype: Dtype): number {
  return DTYPE_SIZES[dtype];
}

// safetensors data is little-endian; typed-array views are only a shortcut on little-endian hosts.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let f16Table: Float32Array | undefined;

/** All 65536 half-precision values, built once: one table lookup per element beats bit twiddling. */
function halfTable(): Float32Array {
  if (f16Table !== undefined) return f16Table;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) table[h] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) table[h] = mantissa === 0 ? sign * Infinity : NaN;
    else table[h] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  f16Table = table;
  return table;
}

function uint16View(bytes: Uint8Array): Uint16Array {
  const count = bytes.byteLength >> 1;
  if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0)
    return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  const out = new Uint16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true);
  return out;
}

/** Decodes little-endian float bytes of `dtype` into a new Float32Array (F64 loses precision by design). */
export function decodeFloat32(bytes: Uint8Array, dtype: FloatDtype): Float32Array {
  switch (dtype) {
    case 'F32': {
      const count = bytes.byteLength >> 2;
      if (LITTLE_ENDIAN) {
        const copy = new Uint8Array(count * 4);
        copy.set(bytes.subarray(0, count * 4));
        return new Float32Array(copy.buffer);
      }
      const out = new Float32Array(count);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F16': {
      const table = halfTable();
      const halves = uint16View(bytes);
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]!]!;
      return out;
    }
    case 'BF16': {
      const halves = uint16View(bytes);
      const out = new Float32Array(halves.length);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < halves.length; i++) bits[i] = halves[i]! << 16;
      return out;
    }
    case 'F64': {
      const count = bytes.byteLength >> 3;
      const out = new Float32Array(count);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
  }
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** Float32 → IEEE half with round-to-nearest-even, overflow to ±Inf, NaN kept NaN. */
export function float32ToHalfBits(value: number): number {
  scratch[0] = value;
  const x = scratchBits[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    const rounded = remainder > midpoint || (remainder === midpoint && (half & 1) === 1) ? half + 1 : half;
    return sign | rounded;
  }
  const half = (e << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  // A carry out of the mantissa bumps the exponent, which is the correct rounding (up to Inf).
  const rounded = remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1) ? half + 1 : half;
  return sign | rounded;
}

/** Float32 → bfloat16 bits with round-to-nearest-even; NaN stays a quiet NaN. */
export function float32ToBfloat16Bits(value: number): number {
  scratch[0] = value;
  const x = scratchBits[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Encodes numbers as little-endian bytes of a float dtype. */
export function encodeFloat(values: ArrayLike<number>, dtype: FloatDtype): Uint8Array {
  const count = values.length;
  const out = new Uint8Array(count * DTYPE_SIZES[dtype]);
  const view = new DataView(out.buffer);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) view.setFloat32(i * 4, values[i]!, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) view.setFloat64(i * 8, values[i]!, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) view.setUint16(i * 2, float32ToHalfBits(values[i]!), true);
      break;
    case 'BF16':
      for (let i = 0; i < count; i++) view.setUint16(i * 2, float32ToBfloat16Bits(values[i]!), true);
      break;
  }
  return out;
}
