export { bytesSource } from './byte-source';
export { readContainer, readImageMetadata } from './image-metadata';
export { interpretTexts } from './generation';
export { parseA1111Parameters } from './a1111.parser';
export { parseComfyUiPrompt, parseComfyUiWorkflow } from './comfyui.parser';
export { loraNameKey } from './lora-refs';
export { DEFAULT_READ_LIMITS } from './metadata.types';
export type {
  ByteSource,
  ContainerMetadata,
  GenerationParameters,
  GeneratorTool,
  ImageFormat,
  LoraReference,
  MetadataProblem,
  MetadataProblemCode,
  ParsedImageMetadata,
  ReadLimits,
} from './metadata.types';
