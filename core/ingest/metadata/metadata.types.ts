/**
 * What the metadata readers return. Every reader is total: bad input becomes `problems`, never a
 * throw, so one broken file cannot stop a scan of thousands.
 */

export type MetadataProblemCode =
  | 'not_an_image'
  | 'truncated'
  | 'bad_crc'
  | 'bad_chunk'
  | 'oversized'
  | 'inflate_failed'
  | 'bad_text_encoding'
  | 'bad_exif'
  | 'invalid_json'
  | 'unreadable';

export interface MetadataProblem {
  readonly code: MetadataProblemCode;
  readonly message: string;
}

export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** Random access to a file's bytes; `read` may return fewer bytes than asked at the end of the file. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** The text a container carries, before anyone interprets it. */
export interface ContainerMetadata {
  readonly format: ImageFormat | null;
  readonly width: number | null;
  readonly height: number | null;
  /**
   * Text entries by keyword: PNG text chunks as named (`parameters`, `prompt`, `workflow`), and for
   * EXIF `UserComment`, `ImageDescription`, `Make`, `Model`, `XPComment`; JPEG comments as `Comment`.
   * A keyword seen twice keeps its first value.
   */
  readonly texts: Readonly<Record<string, string>>;
  readonly problems: readonly MetadataProblem[];
}

/**
 * One LoRA an image was made with, as the generator wrote it. A1111 spreads one LoRA over a prompt
 * tag, `Lora hashes` and `Hashes`; those are merged by name into one reference.
 */
export interface LoraReference {
  /** As written: `<lora:NAME:…>`, a `Lora hashes` name, or a ComfyUI `lora_name` with folders. */
  readonly name: string | null;
  readonly weight: number | null;
  /** Lower-case hex as written (AutoV3 12, AutoV2 10, or a full SHA-256 64). */
  readonly hashes: readonly string[];
}

export type GeneratorTool = 'a1111' | 'comfyui';

/** Generation settings in the shape of the `images` table; fields nobody wrote are null. */
export interface GenerationParameters {
  readonly tool: GeneratorTool | null;
  readonly prompt: string | null;
  readonly negativePrompt: string | null;
  readonly seed: number | null;
  readonly steps: number | null;
  readonly sampler: string | null;
  readonly scheduler: string | null;
  readonly cfg: number | null;
  readonly clipSkip: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly modelHash: string | null;
  readonly modelName: string | null;
  readonly loras: readonly LoraReference[];
  /** Every other `key: value` the generator wrote, for display. */
  readonly extra: Readonly<Record<string, string>>;
}

export interface ParsedImageMetadata {
  readonly container: ContainerMetadata;
  readonly generation: GenerationParameters;
  readonly problems: readonly MetadataProblem[];
}

export interface ReadLimits {
  /** Largest text chunk or EXIF block read, and largest inflated text; bigger ones become problems. */
  readonly maxTextBytes: number;
}

/** ComfyUI workflows of big graphs reach a few hundred KB; 2 MiB leaves room and bounds memory. */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxTextBytes: 2 * 1024 * 1024 };

/** A keyword map without a prototype, so a chunk named `__proto__` is just a keyword. */
export function textRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

export function problem(code: MetadataProblemCode, message: string): MetadataProblem {
  return { code, message };
}

export function emptyGeneration(): GenerationParameters {
  return {
    tool: null,
    prompt: null,
    negativePrompt: null,
    seed: null,
    steps: null,
    sampler: null,
    scheduler: null,
    cfg: null,
    clipSkip: null,
    width: null,
    height: null,
    modelHash: null,
    modelName: null,
    loras: [],
    extra: {},
  };
}
