export { detectExecutionProviders } from './execution-providers';
export type { OnnxRuntimeInfo } from './execution-providers';
export {
  makeThumbnail,
  MAX_THUMBNAIL_SIZE,
  MIN_THUMBNAIL_SIZE,
  probeImage,
  ThumbnailCache,
  thumbnailPath,
} from './thumbnails';
export type { ImageProbe } from './thumbnails';
export { encodeTestImage } from './fixtures/test-images';
export type { TestImageFormat } from './fixtures/test-images';
