import { isFloatDtype } from '../dtype';
import type { DenseOnlyModule, LoraModule, LowRankModule, ModuleTarget, TensorRef } from '../lora.types';
import type { TensorInfo } from '../safetensors.header';
import type { TensorRole } from './lora-keys';
import { classifyModule } from './module-kind';
import type { LoraProblem, LoraProblemKind } from './parsed-lora.types';

export interface ModuleGroup {
  readonly key: string;
  readonly target: ModuleTarget;
  readonly tensors: Map<TensorRole, TensorInfo>;
}

/** The alpha stored in a file: a number, `undefined` when not read (header-only parse), or bad. */
export type AlphaLookup = (tensorName: string) => number | undefined;

export type BuildResult = { module: LoraModule } | { problem: LoraProblem } | { unmatched: true };

class ModuleProblem extends Error {
  constructor(
    readonly kind: LoraProblemKind,
    message: string,
  ) {
    super(message);
  }
}

function fail(kind: LoraProblemKind, message: string): never {
  throw new ModuleProblem(kind, message);
}

function ref(info: TensorInfo): TensorRef {
  if (!isFloatDtype(info.dtype))
    fail('undecodable_dtype', `tensor ${info.name} is ${info.dtype}, not a float type`);
  return { name: info.name, dtype: info.dtype, shape: info.shape };
}

function shapeText(info: TensorInfo): string {
  return `[${info.shape.join('×')}]`;
}

function readAlpha(group: ModuleGroup, alphaOf: AlphaLookup): number | null {
  const info = group.tensors.get('alpha');
  if (info === undefined) return null;
  if (info.shape.reduce((a, b) => a * b, 1) !== 1)
    fail('bad_alpha', `alpha has shape ${shapeText(info)}, expected one number`);
  const value = alphaOf(info.name);
  if (value === undefined) return null;
  if (!Number.isFinite(value)) fail('bad_alpha', `alpha is ${value}`);
  return value;
}

function need(group: ModuleGroup, role: TensorRole): TensorInfo {
  const info = group.tensors.get(role);
  if (info === undefined) fail('missing_factor', `${role} is missing`);
  return info;
}

function buildLowRank(group: ModuleGroup, alphaOf: AlphaLookup): LowRankModule {
  const down = group.tensors.get('down');
  const up = group.tensors.get('up');
  if (down === undefined) fail('missing_down', 'has an up weight but no down weight');
  if (up === undefined) fail('missing_up', 'has a down weight but no up weight');
  const downRef = ref(down);
  const upRef = ref(up);
  const dora = group.tensors.get('dora');
  if (down.shape.length !== 2 && down.shape.length !== 4)
    fail('bad_shape', `down weight has shape ${shapeText(down)}`);
  const upIsPointwise =
    up.shape.length === 2 || (up.shape.length === 4 && up.shape[2] === 1 && up.shape[3] === 1);
  if (!upIsPointwise) fail('bad_shape', `up weight has shape ${shapeText(up)}`);
  const rank = down.shape[0]!;
  if (rank === 0) fail('bad_shape', 'rank is 0');
  if (up.shape[1] !== rank) {
    fail(
      'rank_mismatch',
      `down weight ${shapeText(down)} has rank ${rank} but up weight ${shapeText(up)} has ${up.shape[1]}`,
    );
  }
  const kernel = down.shape.length === 4 ? ([down.shape[2]!, down.shape[3]!] as const) : null;
  return {
    key: group.key,
    target: group.target,
    kind: classifyModule(group.key, kernel),
    type: 'lora',
    up: upRef,
    down: downRef,
    alpha: readAlpha(group, alphaOf),
    rank,
    outFeatures: up.shape[0]!,
    inFeatures: down.shape.slice(1).reduce((a, b) => a * b, 1),
    kernel,
    doraScale: dora === undefined ? null : ref(dora),
  };
}

/** Rows and columns of a (possibly Tucker-factored) pair a·b: returns [out, in, kernel]. */
function pairShape(
  a: TensorInfo,
  b: TensorInfo,
  t: TensorInfo | undefined,
  label: string,
): [number, number, readonly [number, number] | null] {
  if (a.shape.length !== 2 || b.shape.length !== 2)
    fail('bad_shape', `${label} factors ${shapeText(a)}, ${shapeText(b)} are not matrices`);
  if (t === undefined) {
    if (a.shape[1] !== b.shape[0])
      fail('rank_mismatch', `${label} factors ${shapeText(a)}·${shapeText(b)} do not chain`);
    return [a.shape[0]!, b.shape[1]!, null];
  }
  // Tucker layout: t (r×r×kh×kw), a (r×out), b (r×in).
  if (t.shape.length !== 4 || t.shape[0] !== a.shape[0] || t.shape[1] !== b.shape[0]) {
    fail(
      'rank_mismatch',
      `${label} core ${shapeText(t)} does not match factors ${shapeText(a)}, ${shapeText(b)}`,
    );
  }
  const kernel = [t.shape[2]!, t.shape[3]!] as const;
  return [a.shape[1]!, b.shape[1]! * kernel[0] * kernel[1], kernel];
}

function denseModule(
  group: ModuleGroup,
  type: 'loha' | 'lokr',
  alpha: number | null,
  out: number,
  inFeatures: number,
  kernel: readonly [number, number] | null,
): DenseOnlyModule {
  const tensors: Record<string, TensorRef> = {};
  for (const [role, info] of group.tensors) if (role !== 'alpha') tensors[role] = ref(info);
  return {
    key: group.key,
    target: group.target,
    kind: classifyModule(group.key, kernel),
    type,
    tensors,
    alpha,
    outFeatures: out,
    inFeatures,
    kernel,
  };
}

function buildLoha(group: ModuleGroup, alphaOf: AlphaLookup): DenseOnlyModule {
  const t1 = group.tensors.get('hada_t1');
  const t2 = group.tensors.get('hada_t2');
  if ((t1 === undefined) !== (t2 === undefined)) fail('missing_factor', 'has only one of hada_t1/hada_t2');
  const first = pairShape(need(group, 'hada_w1_a'), need(group, 'hada_w1_b'), t1, 'hada_w1');
  const second = pairShape(need(group, 'hada_w2_a'), need(group, 'hada_w2_b'), t2, 'hada_w2');
  if (first[0] !== second[0] || first[1] !== second[1]) {
    fail('bad_shape', `hada_w1 gives ${first[0]}×${first[1]} but hada_w2 gives ${second[0]}×${second[1]}`);
  }
  return denseModule(group, 'loha', readAlpha(group, alphaOf), first[0], first[1], first[2]);
}

function lokrFactor(group: ModuleGroup, which: 1 | 2): [number, number, readonly [number, number] | null] {
  const full = group.tensors.get(which === 1 ? 'lokr_w1' : 'lokr_w2');
  if (full !== undefined) {
    if (full.shape.length === 2) return [full.shape[0]!, full.shape[1]!, null];
    if (which === 2 && full.shape.length === 4) {
      const kernel = [full.shape[2]!, full.shape[3]!] as const;
      return [full.shape[0]!, full.shape[1]! * kernel[0] * kernel[1], kernel];
    }
    fail('bad_shape', `lokr_w${which} has shape ${shapeText(full)}`);
  }
  const a = need(group, which === 1 ? 'lokr_w1_a' : 'lokr_w2_a');
  const b = need(group, which === 1 ? 'lokr_w1_b' : 'lokr_w2_b');
  return pairShape(a, b, which === 2 ? group.tensors.get('lokr_t2') : undefined, `lokr_w${which}`);
}

function buildLokr(group: ModuleGroup, alphaOf: AlphaLookup): DenseOnlyModule {
  const [a, c, kernel1] = lokrFactor(group, 1);
  if (kernel1 !== null) fail('bad_shape', 'lokr_w1 cannot be a convolution');
  const [b, d, kernel] = lokrFactor(group, 2);
  return denseModule(group, 'lokr', readAlpha(group, alphaOf), a * b, c * d, kernel);
}

/** Turns one module's tensors into a module, or explains why it cannot be used. */
export function buildModule(group: ModuleGroup, alphaOf: AlphaLookup): BuildResult {
  const roles = [...group.tensors.keys()];
  const hasLoha = roles.some((role) => role.startsWith('hada_'));
  const hasLokr = roles.some((role) => role.startsWith('lokr_'));
  const hasLora = roles.includes('down') || roles.includes('up');
  try {
    if (roles.includes('mid')) {
      fail('unsupported_layout', 'uses a LoCon Tucker core (lora_mid), which Atelier does not read yet');
    }
    if (Number(hasLoha) + Number(hasLokr) + Number(hasLora) > 1) {
      fail('unsupported_layout', 'mixes tensors of different LoRA types');
    }
    if (hasLoha) return { module: buildLoha(group, alphaOf) };
    if (hasLokr) return { module: buildLokr(group, alphaOf) };
    if (hasLora) return { module: buildLowRank(group, alphaOf) };
    return { unmatched: true };
  } catch (error) {
    if (error instanceof ModuleProblem) {
      return { problem: { module: group.key, kind: error.kind, message: `${group.key}: ${error.message}` } };
    }
    throw error;
  }
}
