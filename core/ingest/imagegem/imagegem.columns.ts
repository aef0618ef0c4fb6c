import type { FieldAliases } from './column-match';

/**
 * Column names of the two ImageGem tables. The first name of each field is what DOMAIN.md §1 and the
 * Civitai API call it (the dataset card itself was not reachable); the others are spellings seen in
 * Civitai exports. Matching ignores case and punctuation (see `normalizeColumn`).
 */
export const IMAGE_COLUMNS = {
  imageId: ['id', 'imageId'],
  userHash: ['userHash'],
  versionId: ['modelVersionId'],
  url: ['url', 'imageUrl'],
  prompt: ['prompt', 'positivePrompt'],
  negativePrompt: ['negativePrompt'],
  seed: ['seed'],
  steps: ['steps'],
  sampler: ['sampler'],
  cfg: ['cfgScale', 'cfg'],
  clipSkip: ['clipSkip'],
  width: ['width'],
  height: ['height'],
  nsfwLevel: ['nsfwLevel'],
  createdAt: ['createdAt'],
  heartCount: ['heartCount'],
  likeCount: ['likeCount'],
  laughCount: ['laughCount'],
  cryCount: ['cryCount'],
  dislikeCount: ['dislikeCount'],
  commentCount: ['commentCount'],
} as const satisfies Record<string, FieldAliases>;

export const MODEL_COLUMNS = {
  modelId: ['modelId'],
  versionId: ['modelVersionId'],
  modelName: ['modelName', 'name'],
  versionName: ['modelVersionName', 'versionName'],
  type: ['type', 'modelType'],
  fileName: ['fileName'],
  tags: ['tags'],
  trainedWords: ['trainedWords'],
  baseModel: ['baseModel'],
  userHash: ['userHash'],
  downloadUrl: ['downloadUrl'],
  nsfwLevel: ['nsfwLevel'],
  allowNoCredit: ['allowNoCredit'],
  allowCommercialUse: ['allowCommercialUse'],
  allowDerivatives: ['allowDerivatives'],
  allowDifferentLicense: ['allowDifferentLicense'],
} as const satisfies Record<string, FieldAliases>;

/** Without these a row cannot be placed, so a table missing one is refused before anything is written. */
export const REQUIRED_IMAGE_COLUMNS = ['imageId', 'userHash', 'versionId'] as const;
export const REQUIRED_MODEL_COLUMNS = ['modelId', 'versionId'] as const;

export type ColumnSpec = Readonly<Record<string, FieldAliases>>;

/** Field names of a spec in a fixed order, and their alias lists in the same order. */
export function fieldsOf<S extends ColumnSpec>(
  spec: S,
): { names: (keyof S & string)[]; aliases: FieldAliases[] } {
  const names = Object.keys(spec) as (keyof S & string)[];
  return { names, aliases: names.map((name) => spec[name]!) };
}
