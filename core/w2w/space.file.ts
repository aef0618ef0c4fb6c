import { AtelierError, type Standardize } from '../api';
import { createSafetensorsFile, SafetensorsReader, type BaseModel, type LayerSet } from '../lora';
import { layoutFromJson, layoutToJson } from './layout';
import type { PositionalSafetensorsFile } from '../lora';
import { alignToReference } from './sign-align';
import { flatten } from './vectorize';
import type { Rank1Pair, SpaceLayout } from './w2w.types';

/**
 * A weight space on disk: one safetensors file holding
 *   mean, scale         F32 [D]      per-parameter standardization (θ − mean)/scale
 *   reference           F32 [D]      each module's sign reference axis (sign-align.ts)
 *   components          F32 [m, D]   principal directions, orthonormal rows
 *   singular_values     F64 [m]
 *   coefficients        F64 [N, m]   the members' projections
 * and, in `__metadata__`, the layout (modules, shapes, order), members and settings, so the file
 * alone is enough to project, reconstruct and edit.
 */
export const SPACE_FORMAT = 'atelier.w2w.space/1';

export interface SpaceHeader {
  readonly name: string;
  readonly baseModel: BaseModel;
  readonly layers: LayerSet;
  readonly standardize: Standardize;
  readonly layout: SpaceLayout;
  readonly members: readonly { readonly name: string; readonly tensorHash: string }[];
  readonly m: number;
}

export function createSpaceFile(
  destination: string,
  header: SpaceHeader,
  overwrite: boolean,
): Promise<PositionalSafetensorsFile> {
  const { layout, m, members } = header;
  const d = layout.dimension;
  return createSafetensorsFile(
    destination,
    {
      mean: { dtype: 'F32', shape: [d] },
      scale: { dtype: 'F32', shape: [d] },
      reference: { dtype: 'F32', shape: [d] },
      components: { dtype: 'F32', shape: [m, d] },
      singular_values: { dtype: 'F64', shape: [m] },
      coefficients: { dtype: 'F64', shape: [members.length, m] },
    },
    {
      overwrite,
      metadata: {
        format: SPACE_FORMAT,
        name: header.name,
        base_model: header.baseModel,
        layers: header.layers,
        standardize: header.standardize,
        layout: layoutToJson(layout),
        members: JSON.stringify(members.map((x) => [x.name, x.tensorHash])),
      },
    },
  );
}

/** An open space file: the small tensors in memory, the components read on demand, row by row. */
export class SpaceFile {
  private constructor(
    private readonly reader: SafetensorsReader,
    readonly header: SpaceHeader,
    readonly mean: Float32Array,
    readonly scale: Float32Array,
    readonly reference: Float32Array,
    readonly singularValues: Float64Array,
    readonly coefficients: Float64Array,
  ) {}

  static async open(file: string): Promise<SpaceFile> {
    const reader = await SafetensorsReader.open(file);
    try {
      const meta = reader.metadata;
      if (meta.format !== SPACE_FORMAT) {
        throw new AtelierError(
          'INVALID_INPUT',
          `${file} is not an Atelier weight space (format ${meta.format ?? 'missing'}).`,
        );
      }
      const layout = layoutFromJson(meta.layout ?? '[]');
      const members = (JSON.parse(meta.members ?? '[]') as [string, string][]).map(([name, tensorHash]) => ({
        name,
        tensorHash,
      }));
      const components = reader.tensor('components');
      const m = components.shape[0]!;
      if (components.shape[1] !== layout.dimension) {
        throw new AtelierError(
          'INVALID_INPUT',
          `${file}: components do not match the layout; the file is damaged.`,
        );
      }
      const header: SpaceHeader = {
        name: meta.name ?? '',
        baseModel: (meta.base_model ?? 'unknown') as BaseModel,
        layers: (meta.layers ?? 'all') as LayerSet,
        standardize: (meta.standardize ?? 'zscore') as Standardize,
        layout,
        members,
        m,
      };
      const f64 = async (name: string) => {
        const bytes = await reader.readBytes(name);
        const out = new Float64Array(bytes.byteLength / 8);
        new Uint8Array(out.buffer).set(bytes);
        return out;
      };
      return new SpaceFile(
        reader,
        header,
        await reader.readFloat32('mean'),
        await reader.readFloat32('scale'),
        await reader.readFloat32('reference'),
        await f64('singular_values'),
        await f64('coefficients'),
      );
    } catch (error) {
      await reader.close();
      throw error;
    }
  }

  get dimension(): number {
    return this.header.layout.dimension;
  }

  get m(): number {
    return this.header.m;
  }

  /** A LoRA's vector in this space: its pairs flattened in layout order and sign-aligned. */
  vectorOf(pairs: ReadonlyMap<string, Rank1Pair>): Float32Array {
    const theta = flatten(this.header.layout, pairs);
    alignToReference(this.header.layout, this.reference, theta);
    return theta;
  }

  /** Calls `use` with consecutive groups of component rows (rows × D float32, a reused buffer). */
  async forEachComponents(
    use: (first: number, rows: number, values: Float32Array) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const d = this.dimension;
    const perRead = Math.max(1, Math.min(this.m, Math.floor((32 * 2 ** 20) / (4 * d))));
    const buffer = new Float32Array(perRead * d);
    for (let first = 0; first < this.m; first += perRead) {
      signal?.throwIfAborted();
      const rows = Math.min(perRead, this.m - first);
      const view = new Uint8Array(buffer.buffer, 0, rows * d * 4);
      await this.reader.readInto('components', first * d * 4, view);
      use(first, rows, buffer.subarray(0, rows * d));
    }
  }

  /** Coefficients of a LoRA vector θ: c = V·((θ − mean)/scale). One pass over the components. */
  async project(theta: Float32Array, signal?: AbortSignal): Promise<Float64Array> {
    const d = this.dimension;
    const z = new Float64Array(d);
    for (let p = 0; p < d; p++) z[p] = (theta[p]! - this.mean[p]!) / this.scale[p]!;
    const c = new Float64Array(this.m);
    await this.forEachComponents((first, rows, values) => {
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        const row = r * d;
        for (let p = 0; p < d; p++) sum += values[row + p]! * z[p]!;
        c[first + r] = sum;
      }
    }, signal);
    return c;
  }

  /** Σₜ cₜ·Vₜ in standardized units (D values); `toParameters` makes it a LoRA vector. */
  async combine(coefficients: Float64Array, signal?: AbortSignal): Promise<Float64Array> {
    const d = this.dimension;
    const out = new Float64Array(d);
    await this.forEachComponents((first, rows, values) => {
      for (let r = 0; r < rows; r++) {
        const c = coefficients[first + r]!;
        if (c === 0) continue;
        const row = r * d;
        for (let p = 0; p < d; p++) out[p] = out[p]! + c * values[row + p]!;
      }
    }, signal);
    return out;
  }

  /** θ = mean + scale ⊙ z. */
  toParameters(z: Float64Array): Float32Array {
    const theta = new Float32Array(z.length);
    for (let p = 0; p < z.length; p++) theta[p] = this.mean[p]! + this.scale[p]! * z[p]!;
    return theta;
  }

  /** A direction in parameter units: scale ⊙ z (no mean: directions are differences). */
  toDelta(z: Float64Array): Float32Array {
    const delta = new Float32Array(z.length);
    for (let p = 0; p < z.length; p++) delta[p] = this.scale[p]! * z[p]!;
    return delta;
  }

  close(): Promise<void> {
    return this.reader.close();
  }

  dispose(): void {
    this.reader.dispose();
  }
}
