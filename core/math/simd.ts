/**
 * WebAssembly SIMD kernels for the two inner loops of a LoRA reduction: decoding half/bfloat/float
 * tensors to float64, and Gram matrices. A scalar JS loop tops out near 2 multiply-adds per ns on these;
 * 128-bit lanes roughly quadruple that (measured: 7.5 → 2.1 ns per element of a 32-column Gram).
 * The module is assembled here from readable op helpers rather than shipped as an opaque binary, so it
 * is reviewable and needs no toolchain. WebAssembly is a JS global, not a Node API: this stays portable.
 */

// ── A minimal assembler ──────────────────────────────────────────────────────────────────────────
type Bytes = number[];

function uleb(value: number): Bytes {
  const out: Bytes = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): Bytes {
  const out: Bytes = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: readonly Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
const name = (text: string): Bytes => vec([...new TextEncoder().encode(text)].map((b) => [b]));
const section = (id: number, body: Bytes): Bytes => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const V128 = 0x7b;

const op = {
  get: (local: number): Bytes => [0x20, ...uleb(local)],
  set: (local: number): Bytes => [0x21, ...uleb(local)],
  tee: (local: number): Bytes => [0x22, ...uleb(local)],
  i32: (value: number): Bytes => [0x41, ...sleb(value)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  geS: [0x4e],
  gtS: [0x4a],
  ltS: [0x48],
  /** if (condition on the stack) { body } */
  when: (body: Bytes): Bytes => [0x04, 0x40, ...body, 0x0b],
  /** Loop until `exit` (an i32 condition computed at the top) is true; `body` continues with br 0. */
  whileNot: (exit: Bytes, body: Bytes): Bytes => [
    0x02,
    0x40,
    0x03,
    0x40,
    ...exit,
    0x0d,
    0x01,
    ...body,
    0x0c,
    0x00,
    0x0b,
    0x0b,
  ],
  f64Load: [0x2b, 0x03, 0x00],
  f64Store: [0x39, 0x03, 0x00],
  f64LoadAt: (offset: number): Bytes => [0x2b, 0x03, ...uleb(offset)],
  f64StoreAt: (offset: number): Bytes => [0x39, 0x03, ...uleb(offset)],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  simd: (code: number, ...immediates: number[]): Bytes => [0xfd, ...uleb(code), ...immediates],
};

const v128 = {
  load: (offset = 0): Bytes => op.simd(0x00, 0x04, ...uleb(offset)),
  load64Splat: (offset = 0): Bytes => op.simd(0x0a, 0x03, ...uleb(offset)),
  /** One float64 into lane 0, lane 1 zeroed. */
  load64Zero: (offset = 0): Bytes => op.simd(0x5d, 0x03, ...uleb(offset)),
  store: (offset = 0): Bytes => op.simd(0x0b, 0x04, ...uleb(offset)),
  i32Const: (value: number): Bytes => {
    const lane = new Uint8Array(new Int32Array([value]).buffer);
    return op.simd(0x0c, ...lane, ...lane, ...lane, ...lane);
  },
  zero: (): Bytes => op.simd(0x0c, ...new Array<number>(16).fill(0)),
  /** Moves lanes 2, 3 of an f32x4 into lanes 0, 1. */
  highHalf: (): Bytes => op.simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15),
  and: op.simd(0x4e),
  or: op.simd(0x50),
  bitselect: op.simd(0x52),
  i32x4Eq: op.simd(0x37),
  i32x4Shl: op.simd(0xab, 0x01),
  extendLowU16: op.simd(0xa9, 0x01),
  extendHighU16: op.simd(0xaa, 0x01),
  f32x4Mul: op.simd(0xe6, 0x01),
  promoteLow: op.simd(0x5f),
  f64x2Add: op.simd(0xf0, 0x01),
  f64x2Mul: op.simd(0xf2, 0x01),
  extractLane: (lane: number): Bytes => op.simd(0x21, lane),
};

interface FunctionSpec {
  readonly name: string;
  readonly params: number;
  readonly i32Locals: number;
  readonly v128Locals: number;
  readonly body: Bytes;
}

function assemble(functions: readonly FunctionSpec[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(new Array<Bytes>(f.params).fill([I32])), ...vec([])]);
  const codes = functions.map((f) => {
    const locals = vec([
      [...uleb(f.i32Locals), I32],
      [...uleb(f.v128Locals), V128],
    ]);
    const body = [...locals, ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(codes)),
  ]);
}

/** Allocates local indices after the parameters, so kernels read as named variables. */
class Locals {
  private next: number;
  private v128Start = -1;
  constructor(readonly params: number) {
    this.next = params;
  }
  i32(): number {
    if (this.v128Start >= 0) throw new Error('declare i32 locals before v128 locals');
    return this.next++;
  }
  v128(): number {
    if (this.v128Start < 0) this.v128Start = this.next;
    return this.next++;
  }
  spec(fn: string, body: Bytes): FunctionSpec {
    const firstV128 = this.v128Start < 0 ? this.next : this.v128Start;
    return {
      name: fn,
      params: this.params,
      i32Locals: firstV128 - this.params,
      v128Locals: this.next - firstV128,
      body,
    };
  }
}

// ── Kernels ─────────────────────────────────────────────────────────────────────────────────────

/**
 * decode16(src, dst, groups): 8·groups 16-bit floats at src → float64 at dst. `bf16` shifts into the
 * top half of a float32; half precision uses the exponent-rebias trick: (h & 0x7fff) << 13 read as a
 * float32 is the value times 2⁻¹¹², exact for normals and subnormals alike, so one multiply by 2¹¹²
 * rebiases; exponent 31 (Inf/NaN) is patched to 255, and the sign is OR-ed back.
 */
function decode16(fn: string, bf16: boolean): FunctionSpec {
  const L = new Locals(3);
  const [SRC, DST, GROUPS] = [0, 1, 2];
  const g = L.i32();
  const raw = L.v128();
  const x = L.v128();
  const f = L.v128();
  const toFloat32 = (): Bytes =>
    bf16
      ? [...op.get(x), ...op.i32(16), ...v128.i32x4Shl]
      : [
          // special = mag | 0x7f800000 (Inf or NaN with the same payload)
          ...op.get(x),
          ...v128.i32Const(0x7fff),
          ...v128.and,
          ...op.i32(13),
          ...v128.i32x4Shl,
          ...op.tee(f),
          ...v128.i32Const(0x7f800000),
          ...v128.or,
          // normal = mag·2¹¹² as float32
          ...op.get(f),
          ...v128.i32Const(0x77800000),
          ...v128.f32x4Mul,
          // exponent == 31 ?
          ...op.get(x),
          ...v128.i32Const(0x7c00),
          ...v128.and,
          ...v128.i32Const(0x7c00),
          ...v128.i32x4Eq,
          ...v128.bitselect,
          // | sign << 16
          ...op.get(x),
          ...v128.i32Const(0x8000),
          ...v128.and,
          ...op.i32(16),
          ...v128.i32x4Shl,
          ...v128.or,
        ];
  const storeFour = (offset: number): Bytes => [
    ...op.get(DST),
    ...op.get(f),
    ...v128.promoteLow,
    ...v128.store(offset),
    ...op.get(DST),
    ...op.get(f),
    ...op.get(f),
    ...v128.highHalf(),
    ...v128.promoteLow,
    ...v128.store(offset + 16),
  ];
  const body: Bytes = [
    ...op.i32(0),
    ...op.set(g),
    ...op.whileNot(
      [...op.get(g), ...op.get(GROUPS), ...op.geS],
      [
        ...op.get(SRC),
        ...v128.load(),
        ...op.set(raw),
        ...op.get(raw),
        ...v128.extendLowU16,
        ...op.set(x),
        ...toFloat32(),
        ...op.set(f),
        ...storeFour(0),
        ...op.get(raw),
        ...v128.extendHighU16,
        ...op.set(x),
        ...toFloat32(),
        ...op.set(f),
        ...storeFour(32),
        ...[...op.get(SRC), ...op.i32(16), ...op.add, ...op.set(SRC)],
        ...[...op.get(DST), ...op.i32(64), ...op.add, ...op.set(DST)],
        ...[...op.get(g), ...op.i32(1), ...op.add, ...op.set(g)],
      ],
    ),
  ];
  return L.spec(fn, body);
}

/** decodeF32(src, dst, groups): 4·groups float32 at src → float64 at dst. */
function decodeF32(): FunctionSpec {
  const L = new Locals(3);
  const [SRC, DST, GROUPS] = [0, 1, 2];
  const g = L.i32();
  const f = L.v128();
  const body: Bytes = [
    ...op.i32(0),
    ...op.set(g),
    ...op.whileNot(
      [...op.get(g), ...op.get(GROUPS), ...op.geS],
      [
        ...op.get(SRC),
        ...v128.load(),
        ...op.set(f),
        ...op.get(DST),
        ...op.get(f),
        ...v128.promoteLow,
        ...v128.store(0),
        ...op.get(DST),
        ...op.get(f),
        ...op.get(f),
        ...v128.highHalf(),
        ...v128.promoteLow,
        ...v128.store(16),
        ...[...op.get(SRC), ...op.i32(16), ...op.add, ...op.set(SRC)],
        ...[...op.get(DST), ...op.i32(32), ...op.add, ...op.set(DST)],
        ...[...op.get(g), ...op.i32(1), ...op.add, ...op.set(g)],
      ],
    ),
  ];
  return L.spec('decodeF32', body);
}

/**
 * gramAtA(a, m, n, out, chunk): out (n×n float64) += AᵀA over the upper 4×4 blocks, A row-major m×n
 * float64, n a multiple of 4. Rows are taken `chunk` at a time so a chunk stays in L1 while every block
 * of the Gram matrix passes over it. A block keeps eight f64x2 accumulators: columns (i, i+1) and
 * (i+2, i+3) of row t times each of columns j…j+3 splatted.
 */
function gramAtA(): FunctionSpec {
  const L = new Locals(5);
  const [A, M, N, OUT, CHUNK] = [0, 1, 2, 3, 4];
  const n8 = L.i32();
  const c0 = L.i32();
  const rows = L.i32();
  const ib = L.i32();
  const jb = L.i32();
  const t = L.i32();
  const px = L.i32();
  const py = L.i32();
  const address = L.i32();
  const acc = Array.from({ length: 8 }, () => L.v128());
  const x = [L.v128(), L.v128()];
  const y = [L.v128(), L.v128(), L.v128(), L.v128()];
  const body: Bytes = [
    ...op.get(N),
    ...op.i32(8),
    ...op.mul,
    ...op.set(n8),
    ...op.i32(0),
    ...op.set(c0),
    ...op.whileNot(
      [...op.get(c0), ...op.get(M), ...op.geS],
      [
        // rows = min(chunk, m − c0)
        ...op.get(M),
        ...op.get(c0),
        ...op.sub,
        ...op.set(rows),
        ...op.get(CHUNK),
        ...op.get(rows),
        ...op.get(rows),
        ...op.get(CHUNK),
        ...op.geS,
        ...[0x1b], // select: rows ≥ chunk ? chunk : rows
        ...op.set(rows),
        ...op.i32(0),
        ...op.set(ib),
        ...op.whileNot(
          [...op.get(ib), ...op.get(N), ...op.geS],
          [
            ...op.get(ib),
            ...op.set(jb),
            ...op.whileNot(
              [...op.get(jb), ...op.get(N), ...op.geS],
              [
                ...acc.flatMap((a) => [...v128.zero(), ...op.set(a)]),
                // px = a + (c0·n + ib)·8, py = a + (c0·n + jb)·8
                ...op.get(A),
                ...op.get(c0),
                ...op.get(n8),
                ...op.mul,
                ...op.add,
                ...op.tee(px),
                ...op.get(jb),
                ...op.i32(8),
                ...op.mul,
                ...op.add,
                ...op.set(py),
                ...op.get(px),
                ...op.get(ib),
                ...op.i32(8),
                ...op.mul,
                ...op.add,
                ...op.set(px),
                ...op.i32(0),
                ...op.set(t),
                ...op.whileNot(
                  [...op.get(t), ...op.get(rows), ...op.geS],
                  [
                    ...op.get(px),
                    ...v128.load(0),
                    ...op.set(x[0]!),
                    ...op.get(px),
                    ...v128.load(16),
                    ...op.set(x[1]!),
                    ...y.flatMap((yy, q) => [...op.get(py), ...v128.load64Splat(q * 8), ...op.set(yy)]),
                    ...[0, 1].flatMap((p) =>
                      [0, 1, 2, 3].flatMap((q) => [
                        ...op.get(acc[p * 4 + q]!),
                        ...op.get(x[p]!),
                        ...op.get(y[q]!),
                        ...v128.f64x2Mul,
                        ...v128.f64x2Add,
                        ...op.set(acc[p * 4 + q]!),
                      ]),
                    ),
                    ...[...op.get(px), ...op.get(n8), ...op.add, ...op.set(px)],
                    ...[...op.get(py), ...op.get(n8), ...op.add, ...op.set(py)],
                    ...[...op.get(t), ...op.i32(1), ...op.add, ...op.set(t)],
                  ],
                ),
                // acc[p·4 + q] holds (G[ib+2p, jb+q], G[ib+2p+1, jb+q]).
                ...[0, 1].flatMap((p) =>
                  [0, 1, 2, 3].flatMap((q) =>
                    [0, 1].flatMap((lane) => [
                      ...op.get(OUT),
                      ...op.get(ib),
                      ...op.i32(2 * p + lane),
                      ...op.add,
                      ...op.get(n8),
                      ...op.mul,
                      ...op.add,
                      ...op.get(jb),
                      ...op.i32(q),
                      ...op.add,
                      ...op.i32(8),
                      ...op.mul,
                      ...op.add,
                      ...op.tee(address),
                      ...op.get(address),
                      ...op.f64Load,
                      ...op.get(acc[p * 4 + q]!),
                      ...v128.extractLane(lane),
                      ...op.f64Add,
                      ...op.f64Store,
                    ]),
                  ),
                ),
                ...[...op.get(jb), ...op.i32(4), ...op.add, ...op.set(jb)],
              ],
            ),
            ...[...op.get(ib), ...op.i32(4), ...op.add, ...op.set(ib)],
          ],
        ),
        ...[...op.get(c0), ...op.get(CHUNK), ...op.add, ...op.set(c0)],
      ],
    ),
  ];
  return L.spec('gramAtA', body);
}

/**
 * gramAAt(a, m, n, out, chunk): out (m×m float64) += A·Aᵀ over upper 4×2 blocks, A row-major m×n
 * float64 with m a multiple of 4; only the first 2·⌊n/2⌋ columns are used (the caller adds an odd
 * last column). Columns are taken `chunk` pairs at a time to stay in cache. A block keeps eight f64x2
 * accumulators, rows i…i+3 against rows j, j+1, two columns per lane pair.
 */
function gramAAt(): FunctionSpec {
  const L = new Locals(5);
  const [A, M, N, OUT, CHUNK] = [0, 1, 2, 3, 4];
  const n8 = L.i32();
  const pairs = L.i32();
  const c0 = L.i32();
  const len = L.i32();
  const ib = L.i32();
  const jb = L.i32();
  const p = L.i32();
  const base = L.i32();
  const address = L.i32();
  const rowsX = [L.i32(), L.i32(), L.i32(), L.i32()];
  const rowsY = [L.i32(), L.i32()];
  const acc = Array.from({ length: 8 }, () => L.v128());
  const x = [L.v128(), L.v128(), L.v128(), L.v128()];
  const y = [L.v128(), L.v128()];
  const body: Bytes = [
    ...op.get(N),
    ...op.i32(8),
    ...op.mul,
    ...op.set(n8),
    // pairs·16 = bytes of the paired columns of a row
    ...op.get(N),
    ...op.i32(1),
    ...[0x76], // i32.shr_u
    ...op.i32(16),
    ...op.mul,
    ...op.set(pairs),
    ...op.i32(0),
    ...op.set(c0),
    ...op.whileNot(
      [...op.get(c0), ...op.get(pairs), ...op.geS],
      [
        // len = min(chunk·16, pairs·16 − c0)
        ...op.get(pairs),
        ...op.get(c0),
        ...op.sub,
        ...op.set(len),
        ...op.get(CHUNK),
        ...op.i32(16),
        ...op.mul,
        ...op.get(len),
        ...op.get(len),
        ...op.get(CHUNK),
        ...op.i32(16),
        ...op.mul,
        ...op.geS,
        ...[0x1b], // select: len ≥ chunk·16 ? chunk·16 : len
        ...op.set(len),
        ...op.i32(0),
        ...op.set(ib),
        ...op.whileNot(
          [...op.get(ib), ...op.get(M), ...op.geS],
          [
            ...op.get(ib),
            ...op.set(jb),
            ...op.whileNot(
              [...op.get(jb), ...op.get(M), ...op.geS],
              [
                ...acc.flatMap((a) => [...v128.zero(), ...op.set(a)]),
                ...op.get(A),
                ...op.get(c0),
                ...op.add,
                ...op.set(base),
                ...rowsX.flatMap((r, k) => [
                  ...op.get(base),
                  ...op.get(ib),
                  ...op.i32(k),
                  ...op.add,
                  ...op.get(n8),
                  ...op.mul,
                  ...op.add,
                  ...op.set(r),
                ]),
                ...rowsY.flatMap((r, k) => [
                  ...op.get(base),
                  ...op.get(jb),
                  ...op.i32(k),
                  ...op.add,
                  ...op.get(n8),
                  ...op.mul,
                  ...op.add,
                  ...op.set(r),
                ]),
                ...op.i32(0),
                ...op.set(p),
                ...op.whileNot(
                  [...op.get(p), ...op.get(len), ...op.geS],
                  [
                    ...rowsX.flatMap((r, k) => [
                      ...op.get(r),
                      ...op.get(p),
                      ...op.add,
                      ...v128.load(),
                      ...op.set(x[k]!),
                    ]),
                    ...rowsY.flatMap((r, k) => [
                      ...op.get(r),
                      ...op.get(p),
                      ...op.add,
                      ...v128.load(),
                      ...op.set(y[k]!),
                    ]),
                    ...[0, 1, 2, 3].flatMap((k) =>
                      [0, 1].flatMap((l) => [
                        ...op.get(acc[k * 2 + l]!),
                        ...op.get(x[k]!),
                        ...op.get(y[l]!),
                        ...v128.f64x2Mul,
                        ...v128.f64x2Add,
                        ...op.set(acc[k * 2 + l]!),
                      ]),
                    ),
                    ...[...op.get(p), ...op.i32(16), ...op.add, ...op.set(p)],
                  ],
                ),
                ...[0, 1, 2, 3].flatMap((k) =>
                  [0, 1].flatMap((l) => [
                    ...op.get(OUT),
                    ...op.get(ib),
                    ...op.i32(k),
                    ...op.add,
                    ...op.get(M),
                    ...op.mul,
                    ...op.get(jb),
                    ...op.i32(l),
                    ...op.add,
                    ...op.add,
                    ...op.i32(8),
                    ...op.mul,
                    ...op.add,
                    ...op.tee(address),
                    ...op.get(address),
                    ...op.f64Load,
                    ...op.get(acc[k * 2 + l]!),
                    ...v128.extractLane(0),
                    ...op.f64Add,
                    ...op.get(acc[k * 2 + l]!),
                    ...v128.extractLane(1),
                    ...op.f64Add,
                    ...op.f64Store,
                  ]),
                ),
                ...[...op.get(jb), ...op.i32(2), ...op.add, ...op.set(jb)],
              ],
            ),
            ...[...op.get(ib), ...op.i32(4), ...op.add, ...op.set(ib)],
          ],
        ),
        ...[...op.get(c0), ...op.get(CHUNK), ...op.i32(16), ...op.mul, ...op.add, ...op.set(c0)],
      ],
    ),
  ];
  return L.spec('gramAAt', body);
}

/**
 * rowsDot(a, m, n, x, y): y[i] = Σⱼ A[i, j]·x[j] for row-major A (m×n) float64, i.e. y = A·x. Two
 * independent f64x2 accumulators per row hide the add latency that limits a scalar dot product.
 */
function rowsDot(): FunctionSpec {
  const L = new Locals(5);
  const [A, M, N, X, Y] = [0, 1, 2, 3, 4];
  const n8 = L.i32();
  const i = L.i32();
  const row = L.i32();
  const p = L.i32();
  const acc = [L.v128(), L.v128()];
  const mac = (k: number, offset: number): Bytes => [
    ...op.get(acc[k]!),
    ...op.get(row),
    ...op.get(p),
    ...op.add,
    ...v128.load(offset),
    ...op.get(X),
    ...op.get(p),
    ...op.add,
    ...v128.load(offset),
    ...v128.f64x2Mul,
    ...v128.f64x2Add,
    ...op.set(acc[k]!),
  ];
  const body: Bytes = [
    ...op.get(N),
    ...op.i32(8),
    ...op.mul,
    ...op.set(n8),
    ...op.i32(0),
    ...op.set(i),
    ...op.whileNot(
      [...op.get(i), ...op.get(M), ...op.geS],
      [
        ...op.get(A),
        ...op.get(i),
        ...op.get(n8),
        ...op.mul,
        ...op.add,
        ...op.set(row),
        ...v128.zero(),
        ...op.set(acc[0]!),
        ...v128.zero(),
        ...op.set(acc[1]!),
        ...op.i32(0),
        ...op.set(p),
        ...op.whileNot(
          [...op.get(p), ...op.i32(32), ...op.add, ...op.get(n8), ...op.gtS],
          [...mac(0, 0), ...mac(1, 16), ...op.get(p), ...op.i32(32), ...op.add, ...op.set(p)],
        ),
        ...op.get(p),
        ...op.i32(16),
        ...op.add,
        ...op.get(n8),
        ...op.gtS,
        ...[0x45], // i32.eqz: one more pair fits
        ...op.when([...mac(0, 0), ...op.get(p), ...op.i32(16), ...op.add, ...op.set(p)]),
        // y[i] = lanes summed (+ the odd last column)
        ...op.get(Y),
        ...op.get(i),
        ...op.i32(8),
        ...op.mul,
        ...op.add,
        ...op.get(acc[0]!),
        ...v128.extractLane(0),
        ...op.get(acc[0]!),
        ...v128.extractLane(1),
        ...op.f64Add,
        ...op.get(acc[1]!),
        ...v128.extractLane(0),
        ...op.f64Add,
        ...op.get(acc[1]!),
        ...v128.extractLane(1),
        ...op.f64Add,
        ...op.f64Store,
        ...op.get(p),
        ...op.get(n8),
        ...op.ltS,
        ...op.when([
          ...op.get(Y),
          ...op.get(i),
          ...op.i32(8),
          ...op.mul,
          ...op.add,
          ...op.get(Y),
          ...op.get(i),
          ...op.i32(8),
          ...op.mul,
          ...op.add,
          ...op.f64Load,
          ...op.get(row),
          ...op.get(p),
          ...op.add,
          ...op.f64Load,
          ...op.get(X),
          ...op.get(p),
          ...op.add,
          ...op.f64Load,
          ...op.f64Mul,
          ...op.f64Add,
          ...op.f64Store,
        ]),
        ...[...op.get(i), ...op.i32(1), ...op.add, ...op.set(i)],
      ],
    ),
  ];
  return L.spec('rowsDot', body);
}

/**
 * rowsCombine(a, m, n, x, y): y[j] += Σᵢ x[i]·A[i, j] for row-major A (m×n) float64, i.e. y += xᵀ·A,
 * one contiguous multiply-add sweep per row.
 */
function rowsCombine(): FunctionSpec {
  const L = new Locals(5);
  const [A, M, N, X, Y] = [0, 1, 2, 3, 4];
  const n8 = L.i32();
  const i = L.i32();
  const row = L.i32();
  const p = L.i32();
  const xi = L.v128();
  const body: Bytes = [
    ...op.get(N),
    ...op.i32(8),
    ...op.mul,
    ...op.set(n8),
    ...op.i32(0),
    ...op.set(i),
    ...op.whileNot(
      [...op.get(i), ...op.get(M), ...op.geS],
      [
        ...op.get(A),
        ...op.get(i),
        ...op.get(n8),
        ...op.mul,
        ...op.add,
        ...op.set(row),
        ...op.get(X),
        ...op.get(i),
        ...op.i32(8),
        ...op.mul,
        ...op.add,
        ...v128.load64Splat(0),
        ...op.set(xi),
        ...op.i32(0),
        ...op.set(p),
        ...op.whileNot(
          [...op.get(p), ...op.i32(16), ...op.add, ...op.get(n8), ...op.gtS],
          [
            ...op.get(Y),
            ...op.get(p),
            ...op.add,
            ...op.get(Y),
            ...op.get(p),
            ...op.add,
            ...v128.load(),
            ...op.get(xi),
            ...op.get(row),
            ...op.get(p),
            ...op.add,
            ...v128.load(),
            ...v128.f64x2Mul,
            ...v128.f64x2Add,
            ...v128.store(),
            ...op.get(p),
            ...op.i32(16),
            ...op.add,
            ...op.set(p),
          ],
        ),
        ...op.get(p),
        ...op.get(n8),
        ...op.ltS,
        ...op.when([
          ...op.get(Y),
          ...op.get(p),
          ...op.add,
          ...op.get(Y),
          ...op.get(p),
          ...op.add,
          ...op.f64Load,
          ...op.get(xi),
          ...v128.extractLane(0),
          ...op.get(row),
          ...op.get(p),
          ...op.add,
          ...op.f64Load,
          ...op.f64Mul,
          ...op.f64Add,
          ...op.f64Store,
        ]),
        ...[...op.get(i), ...op.i32(1), ...op.add, ...op.set(i)],
      ],
    ),
  ];
  return L.spec('rowsCombine', body);
}

/**
 * gemmTiles(a, b, out, k, rowTiles, colTiles, lda, ldb): out += Aᵀ·B over a rowTiles·R × colTiles·W
 * block, in R×W output tiles. A is k rows of stride `lda` bytes (the tile reads R consecutive values of
 * each), B and out are rows of stride `ldb` bytes. A tile keeps R·⌈W/2⌉ f64x2 accumulators; each step
 * over k loads ⌊W/2⌋ vectors of a B row (an odd last column by load64_zero, lane 1 unused), then
 * broadcasts each of the R values of the A row and multiply-adds it into its row of accumulators.
 * Tiles walk down a column strip, so the strip's k×W panel of B stays in L1 while A streams from L2.
 */
function gemmTiles(rowsPerTile: number, width: number): FunctionSpec {
  const L = new Locals(8);
  const [A, B, OUT, K, ROW_TILES, COL_TILES, LDA, LDB] = [0, 1, 2, 3, 4, 5, 6, 7];
  const it = L.i32();
  const jt = L.i32();
  const p = L.i32();
  const pa = L.i32();
  const pb = L.i32();
  const po = L.i32();
  const vectors = width >> 1;
  const half = width % 2 === 1;
  const columns = vectors + (half ? 1 : 0);
  const acc = Array.from({ length: rowsPerTile * columns }, () => L.v128());
  const bv = Array.from({ length: columns }, () => L.v128());
  const splat = L.v128();
  const step: Bytes = [
    ...bv.flatMap((v, c) => [
      ...op.get(pb),
      ...(c < vectors ? v128.load(c * 16) : v128.load64Zero(c * 16)),
      ...op.set(v),
    ]),
    ...Array.from({ length: rowsPerTile }, (_, r) => [
      ...op.get(pa),
      ...v128.load64Splat(r * 8),
      ...op.set(splat),
      ...bv.flatMap((v, c) => [
        ...op.get(acc[r * columns + c]!),
        ...op.get(splat),
        ...op.get(v),
        ...v128.f64x2Mul,
        ...v128.f64x2Add,
        ...op.set(acc[r * columns + c]!),
      ]),
    ]).flat(),
    ...[...op.get(pa), ...op.get(LDA), ...op.add, ...op.set(pa)],
    ...[...op.get(pb), ...op.get(LDB), ...op.add, ...op.set(pb)],
  ];
  const flush: Bytes = Array.from({ length: rowsPerTile }, (_, r) =>
    acc
      .slice(r * columns, (r + 1) * columns)
      .flatMap((a, c) =>
        c < vectors
          ? [
              ...op.get(po),
              ...op.get(po),
              ...v128.load(c * 16),
              ...op.get(a),
              ...v128.f64x2Add,
              ...v128.store(c * 16),
            ]
          : [
              ...op.get(po),
              ...op.get(po),
              ...op.f64LoadAt(c * 16),
              ...op.get(a),
              ...v128.extractLane(0),
              ...op.f64Add,
              ...op.f64StoreAt(c * 16),
            ],
      ),
  )
    .map((row, r) => (r === 0 ? row : [...op.get(po), ...op.get(LDB), ...op.add, ...op.set(po), ...row]))
    .flat();
  const body: Bytes = [
    ...op.i32(0),
    ...op.set(jt),
    ...op.whileNot(
      [...op.get(jt), ...op.get(COL_TILES), ...op.geS],
      [
        ...op.i32(0),
        ...op.set(it),
        ...op.whileNot(
          [...op.get(it), ...op.get(ROW_TILES), ...op.geS],
          [
            ...acc.flatMap((a) => [...v128.zero(), ...op.set(a)]),
            // pa = a + it·R·8, pb = b + jt·W·8
            ...[...op.get(A), ...op.get(it), ...op.i32(rowsPerTile * 8), ...op.mul, ...op.add, ...op.set(pa)],
            ...[...op.get(B), ...op.get(jt), ...op.i32(width * 8), ...op.mul, ...op.add, ...op.set(pb)],
            ...op.i32(0),
            ...op.set(p),
            ...op.whileNot(
              [...op.get(p), ...op.get(K), ...op.geS],
              [...step, ...op.get(p), ...op.i32(1), ...op.add, ...op.set(p)],
            ),
            // po = out + it·R·ldb + jt·W·8
            ...op.get(OUT),
            ...op.get(it),
            ...op.i32(rowsPerTile),
            ...op.mul,
            ...op.get(LDB),
            ...op.mul,
            ...op.add,
            ...op.get(jt),
            ...op.i32(width * 8),
            ...op.mul,
            ...op.add,
            ...op.set(po),
            ...flush,
            ...[...op.get(it), ...op.i32(1), ...op.add, ...op.set(it)],
          ],
        ),
        ...[...op.get(jt), ...op.i32(1), ...op.add, ...op.set(jt)],
      ],
    ),
  ];
  return L.spec(`gemm${rowsPerTile}x${width}`, body);
}

// ── Public face ─────────────────────────────────────────────────────────────────────────────────

/**
 * Kernels over one growable linear memory. Offsets and sizes are in bytes and must be 8-aligned;
 * callers lay out their own regions. Every call is synchronous and allocation-free.
 */
export interface SimdKernels {
  readonly memory: WasmMemory;
  /** Grows memory to at least `bytes`; typed-array views of `memory.buffer` taken earlier are detached. */
  reserve(bytes: number): void;
  /**
   * `count` values of a 16-bit float type ('F16' half or 'BF16') or 'F32' at `src` → float64 at `dst`.
   * Works in groups of 8 (F32: 4): reads up to 15 bytes past the input and writes up to 56 past the output.
   */
  decode(dtype: 'F16' | 'BF16' | 'F32', src: number, dst: number, count: number): void;
  /** out (n×n float64) += AᵀA in its upper 4×4 blocks, A row-major m×n float64 at `a`; n % 4 === 0. */
  gramAtA(a: number, m: number, n: number, out: number): void;
  /**
   * out (m×m float64) += A·Aᵀ in its upper 4×2 blocks over columns 0…2⌊n/2⌋−1, A row-major m×n float64;
   * m % 4 === 0 (pad with zero rows).
   */
  gramAAt(a: number, m: number, n: number, out: number): void;
  /** y (m float64) = A·x for row-major A (m×n) float64 and x (n float64). */
  rowsDot(a: number, m: number, n: number, x: number, y: number): void;
  /** y (n float64) += xᵀ·A for row-major A (m×n) float64 and x (m float64). */
  rowsCombine(a: number, m: number, n: number, x: number, y: number): void;
  /**
   * out (m×n float64, row-major) += Aᵀ·B for A (k×m) and B (k×n), both row-major float64, contiguous
   * (row strides m and n). Any k, m, n ≥ 0: no padding or multiple-of requirement, edge rows and columns
   * run in narrower tiles. Offsets are 8-aligned bytes like every kernel here (no 16-byte alignment is
   * needed); each region must lie inside memory (RangeError otherwise) and out must not overlap A or B.
   */
  gemmAtB(a: number, k: number, m: number, b: number, n: number, out: number): void;
}

type KernelExports = {
  decodeF16(src: number, dst: number, groups: number): void;
  decodeBF16(src: number, dst: number, groups: number): void;
  decodeF32(src: number, dst: number, groups: number): void;
  gramAtA(a: number, m: number, n: number, out: number, chunk: number): void;
  gramAAt(a: number, m: number, n: number, out: number, chunk: number): void;
  rowsDot(a: number, m: number, n: number, x: number, y: number): void;
  rowsCombine(a: number, m: number, n: number, x: number, y: number): void;
};

type GemmTiles = (
  a: number,
  b: number,
  out: number,
  k: number,
  rowTiles: number,
  colTiles: number,
  lda: number,
  ldb: number,
) => void;

/** The slice of the WebAssembly JS API used here; the project's libs (ES2023, no DOM) do not declare it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: object };
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

function compileOnce(): object | null {
  if (compiled !== undefined) return compiled;
  const bytes = assemble([
    decode16('decodeF16', false),
    decode16('decodeBF16', true),
    decodeF32(),
    gramAtA(),
    gramAAt(),
    rowsDot(),
    rowsCombine(),
    ...GEMM_ROWS.flatMap((r) => GEMM_WIDTHS.map((w) => gemmTiles(r, w))),
  ]);
  compiled = wasm !== undefined && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  return compiled;
}

const PAGE = 65536;
/**
 * Bytes one Gram pass keeps hot while every block of the result sweeps over them: gramAtA's rows stay in
 * L1; gramAAt streams six rows per block, so it prefers longer runs from L2 (measured, 32 columns).
 */
const CHUNK_BYTES_AT_A = 16384;
const CHUNK_BYTES_A_AT = 65536;

/**
 * gemmAtB's tile shapes: the main 4×4 tile first, then the narrower ones that take the edges. 4×4 keeps
 * 8 accumulators, 2 B vectors and a broadcast in registers; 6×4, 4×6, 3×8, 5×4 and 4×8 all measured
 * slower (9–11 against 12–13 GFLOPS), as did unrolling k by two. Passes of KC rows keep a KC×4 panel of
 * B in L1; blocks of MC columns keep a KC×MC block of A in L2 (without both: under 5 GFLOPS).
 */
const GEMM_ROWS = [4, 2, 1];
const GEMM_WIDTHS = [4, 2, 1];
const GEMM_KC = 128;
const GEMM_MC = 128;

/** Splits `size` into [start, tiles, tileSize] runs: whole main tiles, then greedily the narrower sizes. */
function segments(size: number, tileSizes: readonly number[]): [number, number, number][] {
  const out: [number, number, number][] = [];
  let start = 0;
  for (const tile of tileSizes) {
    const tiles = Math.floor((size - start) / tile);
    if (tiles > 0) out.push([start, tiles, tile]);
    start += tiles * tile;
  }
  return out;
}

/** The kernels with their own memory, or null where WebAssembly SIMD is unavailable. */
export function createSimdKernels(): SimdKernels | null {
  const module = compileOnce();
  if (module === null || wasm === undefined) return null;
  const memory = new wasm.Memory({ initial: 16 });
  const exports = new wasm.Instance(module, { env: { memory } }).exports as KernelExports;
  const tiles = exports as unknown as Record<string, GemmTiles>;
  const check = (...offsets: number[]) => {
    for (const offset of offsets) {
      if (!Number.isInteger(offset) || offset < 0 || offset % 8 !== 0 || offset > memory.buffer.byteLength) {
        throw new RangeError(`simd kernels: bad offset ${offset}`);
      }
    }
  };
  return {
    memory,
    reserve(bytes) {
      const missing = bytes - memory.buffer.byteLength;
      if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
    },
    decode(dtype, src, dst, count) {
      check(src, dst);
      switch (dtype) {
        case 'F16':
          exports.decodeF16(src, dst, Math.ceil(count / 8));
          break;
        case 'BF16':
          exports.decodeBF16(src, dst, Math.ceil(count / 8));
          break;
        case 'F32':
          exports.decodeF32(src, dst, Math.ceil(count / 4));
          break;
      }
    },
    gramAtA(a, m, n, out) {
      check(a, out);
      if (n % 4 !== 0) throw new RangeError(`simd gramAtA: n = ${n} is not a multiple of 4`);
      exports.gramAtA(a, m, n, out, Math.max(1, Math.floor(CHUNK_BYTES_AT_A / (8 * n))));
    },
    gramAAt(a, m, n, out) {
      check(a, out);
      if (m % 4 !== 0) throw new RangeError(`simd gramAAt: m = ${m} is not a multiple of 4`);
      exports.gramAAt(a, m, n, out, Math.max(1, Math.floor(CHUNK_BYTES_A_AT / (16 * m))));
    },
    rowsDot(a, m, n, x, y) {
      check(a, x, y);
      exports.rowsDot(a, m, n, x, y);
    },
    rowsCombine(a, m, n, x, y) {
      check(a, x, y);
      exports.rowsCombine(a, m, n, x, y);
    },
    gemmAtB(a, k, m, b, n, out) {
      check(a, b, out);
      for (const [what, value] of [
        ['k', k],
        ['m', m],
        ['n', n],
      ] as const) {
        if (!Number.isInteger(value) || value < 0)
          throw new RangeError(`simd gemmAtB: bad ${what} = ${value}`);
      }
      const bytes = memory.buffer.byteLength;
      if (a + 8 * k * m > bytes || b + 8 * k * n > bytes || out + 8 * m * n > bytes) {
        throw new RangeError(`simd gemmAtB: a ${k}×${m}, b ${k}×${n} or out ${m}×${n} runs past memory`);
      }
      const lda = 8 * m;
      const ldb = 8 * n;
      const rows = segments(m, GEMM_ROWS);
      const columns = segments(n, GEMM_WIDTHS);
      for (let p0 = 0; p0 < k; p0 += GEMM_KC) {
        const kc = Math.min(GEMM_KC, k - p0);
        for (const [i0, rowTiles, r] of rows) {
          // Main-tile rows in blocks of MC (a KC×MC block of A stays in L2 while B's strips pass).
          const block = r === GEMM_ROWS[0] ? Math.max(1, Math.floor(GEMM_MC / r)) : rowTiles;
          for (let t0 = 0; t0 < rowTiles; t0 += block) {
            const i = i0 + t0 * r;
            for (const [j0, colTiles, w] of columns) {
              tiles[`gemm${r}x${w}`]!(
                a + p0 * lda + 8 * i,
                b + p0 * ldb + 8 * j0,
                out + i * ldb + 8 * j0,
                kc,
                Math.min(block, rowTiles - t0),
                colTiles,
                lda,
                ldb,
              );
            }
          }
        }
      }
    },
  };
}
