import type { W2wPreview, W2wReadout } from '../api';
import { dot } from '../math';
import { directionProbability, type TrainedDirection } from './direction';
import type { SpaceFile } from './space.file';
import type { LoraRank1 } from './vectorize';

/** A direction ready to edit with: its classifier, unit edit vector and parameter-space step. */
export interface LoadedDirection {
  readonly id: number;
  readonly name: string;
  /** Unit edit direction in coefficient space (m). */
  readonly edit: Float64Array;
  readonly classifier: Pick<TrainedDirection, 'weights' | 'bias' | 'calibration'>;
  /** Members' coefficients along `edit` (N). */
  readonly projections: Float64Array;
  /** One normalized strength unit in raw units: the std of `projections`. */
  readonly unit: number;
  /** θ' − θ for a raw strength of 1: scale ⊙ Vᵀ·edit (D values). */
  readonly delta: Float32Array;
}

export interface Strength {
  readonly direction: LoadedDirection;
  /** As the caller gave it: normalized (standard deviations) unless `raw`. */
  readonly strength: number;
  readonly raw: boolean;
}

/**
 * One LoRA opened for editing in one space. θ is the LoRA's own rank-1 canonical vector (not its
 * reconstruction), so strength 0 gives the LoRA back exactly. A slider move recomputes
 * θ' = θ + Σ αⱼ·deltaⱼ (D multiply-adds per direction) and the read-outs, which by linearity need
 * only the m coefficients: c' = c + Σ αⱼ·editⱼ.
 */
export class EditSession {
  private readonly edited: Float32Array;
  /** The source file's hashes, for export records; computed on the first export. */
  parentHashes?: Promise<{ sha256: string; tensorSha256: string | null }>;

  constructor(
    readonly space: SpaceFile,
    readonly source: LoraRank1,
    readonly theta: Float32Array,
    /** The LoRA's coefficients c = V·z. */
    readonly coefficients: Float64Array,
    /** ‖z − Vᵀc‖/‖z‖: how much of the LoRA lies outside the space. */
    readonly reconstructionError: number,
  ) {
    this.edited = new Float32Array(theta.length);
  }

  static rawOf(s: Strength): number {
    return s.raw ? s.strength : s.strength * s.direction.unit;
  }

  /** θ' for these strengths, in a buffer reused by the next call (copy it to keep it). */
  apply(strengths: readonly Strength[]): Float32Array {
    const out = this.edited;
    out.set(this.theta);
    for (const s of strengths) {
      const alpha = EditSession.rawOf(s);
      if (alpha === 0) continue;
      const delta = s.direction.delta;
      for (let p = 0; p < out.length; p++) out[p] = out[p]! + alpha * delta[p]!;
    }
    return out;
  }

  /** The edited coefficients c' = c + Σ αⱼ·editⱼ. */
  editedCoefficients(strengths: readonly Strength[]): Float64Array {
    const c = Float64Array.from(this.coefficients);
    for (const s of strengths) {
      const alpha = EditSession.rawOf(s);
      const e = s.direction.edit;
      for (let t = 0; t < c.length; t++) c[t] = c[t]! + alpha * e[t]!;
    }
    return c;
  }

  preview(
    strengths: readonly Strength[],
    plot: readonly [LoadedDirection | 'pc1', LoadedDirection | 'pc1'] | null,
  ): W2wPreview {
    const started = performance.now();
    const theta = this.apply(strengths);
    let distance = 0;
    let norm = 0;
    for (let p = 0; p < theta.length; p++) {
      distance += (theta[p]! - this.theta[p]!) ** 2;
      norm += this.theta[p]! ** 2;
    }
    distance = Math.sqrt(distance);
    const c = this.editedCoefficients(strengths);
    const readouts = strengths.map((s) => readout(s, c));
    const along = (axis: LoadedDirection | 'pc1') =>
      axis === 'pc1' ? c[0]! : dot(c, 0, axis.edit, 0, c.length);
    return {
      readouts,
      distance,
      relativeDistance: norm > 0 ? distance / Math.sqrt(norm) : 0,
      reconstructionError: this.reconstructionError,
      point: plot ? { x: along(plot[0]), y: along(plot[1]) } : null,
      computeMs: performance.now() - started,
    };
  }
}

export function readoutsOf(strengths: readonly Strength[], c: Float64Array): W2wReadout[] {
  return strengths.map((s) => readout(s, c));
}

function readout(s: Strength, c: Float64Array): W2wReadout {
  const d = s.direction;
  const coefficient = dot(c, 0, d.edit, 0, c.length);
  const score = dot(c, 0, d.classifier.weights, 0, c.length) + d.classifier.bias;
  const rawStrength = EditSession.rawOf(s);
  const side = rawStrength >= 0 ? 1 : -1;
  let beyond = 0;
  for (const p of d.projections) if (side * p > side * coefficient) beyond++;
  return {
    direction: d.name,
    strength: s.raw ? (d.unit > 0 ? s.strength / d.unit : 0) : s.strength,
    rawStrength,
    coefficient,
    probability: directionProbability(d.classifier, score),
    beyond: d.projections.length > 0 ? beyond / d.projections.length : 0,
  };
}
