import type { ImageGemImageRow, ImageGemModelRow } from './imagegem.types';

/** A models-table row with everything empty but what a test sets. */
export function modelRow(versionId: number, patch: Partial<ImageGemModelRow> = {}): ImageGemModelRow {
  return {
    modelId: 1000 + versionId,
    versionId,
    modelName: `Model ${versionId}`,
    versionName: null,
    type: null,
    fileName: null,
    tags: [],
    trainedWords: [],
    baseModel: null,
    userHash: null,
    downloadUrl: null,
    nsfwLevel: null,
    licence: null,
    ...patch,
  };
}

/** An images-table row with everything empty but what a test sets. */
export function imageRow(
  imageId: number,
  userHash: string,
  versionId: number,
  patch: Partial<ImageGemImageRow> = {},
): ImageGemImageRow {
  return {
    imageId,
    userHash,
    versionId,
    url: `https://image.civitai.com/test/${imageId}.jpeg`,
    prompt: `prompt of image ${imageId}`,
    negativePrompt: null,
    seed: null,
    steps: null,
    sampler: null,
    cfg: null,
    clipSkip: null,
    width: null,
    height: null,
    nsfwLevel: null,
    createdAt: `2024-01-0${1 + (imageId % 9)}T00:00:00.000Z`,
    heartCount: 0,
    likeCount: 0,
    laughCount: 0,
    cryCount: 0,
    dislikeCount: 0,
    commentCount: 0,
    promptWords: null,
    ...patch,
  };
}

export const NO_PROGRESS = { models: 0, images: 0, skipped: 0 } as const;
