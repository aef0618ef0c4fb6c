import { existsSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../api';
import type { LabeledSet } from './direction';

export interface LabelContext {
  readonly members: readonly {
    readonly path: string;
    readonly tensorHash: string;
    readonly loraFileId: number | null;
  }[];
  readonly libraryFilesWithTag: (tag: string) => readonly { id: number; tensorHash: string | null }[];
  readonly likedLoraFileIds: () => readonly number[];
  readonly libraryFile: (filePath: string) => { id: number; tensorHash: string | null } | undefined;
  /** Coefficients of a LoRA that is not a member (read and projected). */
  readonly project: (filePath: string) => Promise<Float64Array>;
}

export interface ResolvedLabels {
  /** Members with a label, then labeled files that are not members. */
  readonly set: LabeledSet;
  /** +1 / −1 / 0 (unlabeled) per member, for the plot. */
  readonly memberLabels: Int8Array;
  readonly positiveCount: number;
  readonly negativeCount: number;
}

/**
 * Turns labels into labeled coefficient rows. A label is `@liked` (library LoRAs the artist reacted
 * to or generated with), `@rest` (every member not labeled positive; negative side only), an
 * LoRA file (a `.safetensors` name or a path: a member by path or weights, otherwise read and projected), or a tag (library
 * LoRAs carrying it, matched to members by library id or tensor hash).
 */
export async function resolveLabels(
  positive: readonly string[],
  negative: readonly string[],
  coefficients: Float64Array,
  m: number,
  context: LabelContext,
): Promise<ResolvedLabels> {
  const byHash = new Map(context.members.map((x, i) => [x.tensorHash, i]));
  const byPath = new Map(context.members.map((x, i) => [x.path, i]));
  const byFileId = new Map(
    context.members.flatMap((x, i) => (x.loraFileId === null ? [] : [[x.loraFileId, i] as const])),
  );
  const resolve = async (labels: readonly string[], side: 'positive' | 'negative') => {
    const members = new Set<number>();
    const extra: { file: string; coefficients: Float64Array }[] = [];
    for (const label of labels) {
      if (label === '@rest') {
        if (side === 'positive')
          throw new AtelierError('INVALID_INPUT', '“@rest” can only be the negative side.');
        continue;
      }
      if (label === '@liked') {
        for (const id of context.likedLoraFileIds()) {
          const i = byFileId.get(id);
          if (i !== undefined) members.add(i);
        }
        continue;
      }
      if (label.endsWith('.safetensors') || label.includes('/') || label.includes('\\')) {
        const file = path.resolve(label);
        if (!existsSync(file)) throw new AtelierError('PATH_NOT_FOUND', `There is no LoRA file at ${file}.`);
        const known = context.libraryFile(file);
        const i =
          byPath.get(file) ??
          (known?.id !== undefined ? byFileId.get(known.id) : undefined) ??
          (known?.tensorHash ? byHash.get(known.tensorHash) : undefined);
        if (i !== undefined) members.add(i);
        else extra.push({ file, coefficients: await context.project(file) });
        continue;
      }
      for (const file of context.libraryFilesWithTag(label)) {
        const i = byFileId.get(file.id) ?? (file.tensorHash ? byHash.get(file.tensorHash) : undefined);
        if (i !== undefined) members.add(i);
      }
    }
    return { members, extra };
  };
  const pos = await resolve(positive, 'positive');
  const neg = await resolve(negative, 'negative');
  if (negative.includes('@rest')) {
    for (let i = 0; i < context.members.length; i++) if (!pos.members.has(i)) neg.members.add(i);
  }
  const both = [...pos.members].filter((i) => neg.members.has(i));
  if (both.length > 0) {
    throw new AtelierError(
      'INVALID_INPUT',
      `${both.length} LoRA(s) are labeled both positive and negative (e.g. ${path.basename(context.members[both[0]!]!.path)}).`,
    );
  }
  const positiveCount = pos.members.size + pos.extra.length;
  const negativeCount = neg.members.size + neg.extra.length;
  if (positiveCount === 0 || negativeCount === 0) {
    throw new AtelierError(
      'INVALID_INPUT',
      `The labels match ${positiveCount} positive and ${negativeCount} negative LoRA(s) in this space; a direction needs both. ` +
        'Tags must be on LoRAs of the space (scan the library so their tags are known).',
    );
  }
  const memberLabels = new Int8Array(context.members.length);
  for (const i of pos.members) memberLabels[i] = 1;
  for (const i of neg.members) memberLabels[i] = -1;
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < context.members.length; i++) {
    if (memberLabels[i] === 0) continue;
    rows.push(coefficients.subarray(i * m, (i + 1) * m));
    labels.push(memberLabels[i]!);
  }
  for (const [side, label] of [
    [pos, 1],
    [neg, -1],
  ] as const) {
    for (const e of side.extra) {
      rows.push(e.coefficients);
      labels.push(label);
    }
  }
  const flat = new Float64Array(rows.length * m);
  rows.forEach((row, i) => flat.set(row, i * m));
  return {
    set: { coefficients: flat, n: rows.length, m, labels: Int8Array.from(labels) },
    memberLabels,
    positiveCount,
    negativeCount,
  };
}
