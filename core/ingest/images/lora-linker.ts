import type { ImageLoraLinkInput, LoraLookup, LoraMatch } from '../../store';
import { loraNameKey, normalizeHash } from '../metadata/lora-refs';
import type { LoraReference } from '../metadata/metadata.types';

type Attempt = readonly [rule: string, find: () => LoraMatch | undefined];

/**
 * The evidence for one reference, strongest first: AutoV3 (A1111's `Lora hashes`, over tensor data,
 * so renamed or re-saved files still match), full hashes, AutoV2 (Civitai's `Hashes`), other SHA-256
 * prefixes, a Civitai version by hash, and last the file name, which two different files can share.
 */
function attemptsFor(ref: LoraReference, lookup: LoraLookup): Attempt[] {
  const hashes = ref.hashes;
  const attempts: Attempt[] = [];
  for (const h of hashes) if (h.length === 12) attempts.push(['autov3', () => lookup.loraFileByAutoV3(h)]);
  for (const h of hashes) {
    if (h.length === 64) {
      attempts.push(['tensor_hash', () => lookup.loraFileByTensorHash(h)]);
      attempts.push(['sha256', () => lookup.loraFileBySha256(h)]);
    }
  }
  for (const h of hashes) if (h.length === 10) attempts.push(['autov2', () => lookup.loraFileByAutoV2(h)]);
  for (const h of hashes)
    if (h.length !== 64) attempts.push(['sha256', () => lookup.loraFileBySha256Prefix(h)]);
  for (const h of hashes) {
    attempts.push([h.length === 10 ? 'autov2' : 'sha256', () => lookup.modelVersionBySha256(h)]);
  }
  const stem = ref.name === null ? '' : loraNameKey(ref.name);
  if (stem !== '') attempts.push(['file_name', () => lookup.loraFileByStem(stem)]);
  return attempts;
}

function linkFor(ref: LoraReference, lookup: LoraLookup): ImageLoraLinkInput {
  const name = ref.name ?? ref.hashes[0] ?? null;
  for (const [rule, find] of attemptsFor(ref, lookup)) {
    const match = find();
    if (match) return { name, weight: ref.weight, ...match, matchRule: rule };
  }
  return { name, weight: ref.weight, loraFileId: null, modelVersionId: null, matchRule: 'unmatched' };
}

/** Resolves every reference; two references that land on the same file or version become one link. */
export function linkLoraReferences(refs: readonly LoraReference[], lookup: LoraLookup): ImageLoraLinkInput[] {
  const links: ImageLoraLinkInput[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const link = linkFor(ref, lookup);
    const key =
      link.loraFileId !== null
        ? `file:${link.loraFileId}`
        : link.modelVersionId !== null
          ? `version:${link.modelVersionId}`
          : `name:${loraNameKey(link.name ?? '')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    links.push(link);
  }
  return links;
}

/** Reads `meta.loraRefs` back from the database, keeping only well-formed entries. */
export function storedReferences(value: unknown): LoraReference[] {
  if (!Array.isArray(value)) return [];
  const refs: LoraReference[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const { name, weight, hashes } = item as Record<string, unknown>;
    refs.push({
      name: typeof name === 'string' ? name : null,
      weight: typeof weight === 'number' ? weight : null,
      hashes: Array.isArray(hashes)
        ? hashes.flatMap((h) =>
            typeof h === 'string' && normalizeHash(h) !== null ? [normalizeHash(h)!] : [],
          )
        : [],
    });
  }
  return refs;
}
