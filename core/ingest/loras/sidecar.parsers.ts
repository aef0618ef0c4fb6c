import { z } from 'zod';
import type { SidecarTool } from './sidecar-names';

/** What one sidecar says about its LoRA; every field is optional because every tool omits some. */
export interface SidecarInfo {
  civitaiModelId?: number;
  civitaiVersionId?: number;
  modelName?: string;
  versionName?: string;
  baseModel?: string;
  trainedWords?: string[];
  tags?: string[];
  description?: string;
  nsfw?: boolean;
  imageUrls?: string[];
  activationText?: string;
  preferredWeight?: number;
  notes?: string;
}

export interface SidecarReading {
  readonly info: SidecarInfo;
  readonly problems: string[];
}

const Id = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
]);
const Text = z.string();
const Bool = z.boolean();
const Weight = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\s*-?\d+(\.\d+)?\s*$/)
      .transform(Number),
  ])
  .pipe(z.number().min(-10).max(10));
const TagEntry = z.union([z.string(), z.object({ name: z.string() }).transform((t) => t.name)]);
const ImageEntry = z.object({ url: z.string() }).transform((i) => i.url);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Reads fields one at a time, each with its own schema: a wrong-typed field is noted and skipped,
 * and the rest of the sidecar still counts. Lists keep their good entries.
 */
class FieldReader {
  constructor(
    private readonly label: string,
    private readonly root: Record<string, unknown>,
    readonly problems: string[],
  ) {}

  private at(fieldPath: string): unknown {
    let value: unknown = this.root;
    for (const key of fieldPath.split('.')) {
      if (!isRecord(value) || !Object.hasOwn(value, key)) return undefined;
      value = value[key];
    }
    return value;
  }

  get<T>(fieldPath: string, schema: z.ZodType<T>, expected: string): T | undefined {
    const value = this.at(fieldPath);
    if (value === undefined || value === null) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    this.problems.push(`${this.label}: "${fieldPath}" is ${kindOf(value)}, not ${expected}; ignored.`);
    return undefined;
  }

  text(fieldPath: string): string | undefined {
    const value = this.get(fieldPath, Text, 'text')?.trim();
    return value === '' ? undefined : value;
  }

  list<T>(fieldPath: string, entry: z.ZodType<T>, expected: string): T[] | undefined {
    const value = this.at(fieldPath);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.problems.push(`${this.label}: "${fieldPath}" is ${kindOf(value)}, not a list; ignored.`);
      return undefined;
    }
    const good: T[] = [];
    let bad = 0;
    for (const item of value) {
      const result = entry.safeParse(item);
      if (result.success) good.push(result.data);
      else bad++;
    }
    if (bad > 0)
      this.problems.push(`${this.label}: ${bad} entries of "${fieldPath}" are not ${expected}; skipped.`);
    return good;
  }

  words(fieldPath: string): string[] | undefined {
    return this.list(fieldPath, TagEntry, 'text')
      ?.map((w) => w.trim())
      .filter((w) => w !== '');
  }
}

/** Civitai descriptions are HTML; the library shows plain text, so nothing from a sidecar is ever rendered as markup. */
export function htmlToText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<\s*(br|\/p|\/div|\/li|\/h\d)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => entities[name] ?? '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function civitaiHelper(r: FieldReader): SidecarInfo {
  const description = r.text('description') ?? r.text('model.description');
  return {
    civitaiVersionId: r.get('id', Id, 'a Civitai id'),
    civitaiModelId: r.get('modelId', Id, 'a Civitai id'),
    versionName: r.text('name'),
    modelName: r.text('model.name'),
    baseModel: r.text('baseModel'),
    trainedWords: r.words('trainedWords'),
    tags: r.words('model.tags') ?? r.words('tags'),
    description: description === undefined ? undefined : htmlToText(description),
    nsfw: r.get('model.nsfw', Bool, 'true or false'),
    imageUrls: r.list('images', ImageEntry, 'images with a url'),
  };
}

function loraManager(r: FieldReader): SidecarInfo {
  const description = r.text('modelDescription') ?? r.text('civitai.model.description');
  return {
    civitaiVersionId: r.get('civitai.id', Id, 'a Civitai id'),
    civitaiModelId: r.get('civitai.modelId', Id, 'a Civitai id'),
    modelName: r.text('model_name') ?? r.text('civitai.model.name'),
    versionName: r.text('civitai.name'),
    baseModel: r.text('base_model') ?? r.text('civitai.baseModel'),
    trainedWords: r.words('civitai.trainedWords'),
    tags: r.words('tags') ?? r.words('civitai.model.tags'),
    description: description === undefined ? undefined : htmlToText(description),
    nsfw: r.get('civitai.model.nsfw', Bool, 'true or false'),
    imageUrls: r.list('civitai.images', ImageEntry, 'images with a url'),
    notes: r.text('notes'),
  };
}

function stabilityMatrix(r: FieldReader): SidecarInfo {
  const description = r.text('ModelDescription');
  return {
    civitaiModelId: r.get('ModelId', Id, 'a Civitai id'),
    civitaiVersionId: r.get('VersionId', Id, 'a Civitai id'),
    modelName: r.text('ModelName'),
    versionName: r.text('VersionName'),
    baseModel: r.text('BaseModel'),
    trainedWords: r.words('TrainedWords'),
    tags: r.words('Tags'),
    description: description === undefined ? undefined : htmlToText(description),
    nsfw: r.get('Nsfw', Bool, 'true or false'),
  };
}

const A1111_SD_VERSION: Record<string, string> = { SD1: 'SD 1.5', SD2: 'SD 2', SDXL: 'SDXL' };

function a1111(r: FieldReader): SidecarInfo {
  const activationText = r.text('activation text');
  const weight = r.get('preferred weight', Weight, 'a number');
  const sdVersion = r.text('sd version');
  return {
    description: r.text('description'),
    activationText,
    // A1111 writes 0 for "not set".
    preferredWeight: weight === 0 ? undefined : weight,
    notes: r.text('notes'),
    baseModel: sdVersion === undefined ? undefined : A1111_SD_VERSION[sdVersion],
    trainedWords: activationText
      ?.split(',')
      .map((w) => w.trim())
      .filter((w) => w !== ''),
  };
}

const PARSERS: Record<SidecarTool, (reader: FieldReader) => SidecarInfo> = {
  'civitai-helper': civitaiHelper,
  'lora-manager': loraManager,
  'stability-matrix': stabilityMatrix,
  a1111,
};

/** Parses one sidecar's bytes. Never throws: unreadable text or JSON is a problem and an empty reading. */
export function parseSidecar(tool: SidecarTool, label: string, bytes: Uint8Array): SidecarReading {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { info: {}, problems: [`${label} is not UTF-8 text; ignored.`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { info: {}, problems: [`${label} is not valid JSON; ignored.`] };
  }
  if (!isRecord(json)) return { info: {}, problems: [`${label} is not a JSON object; ignored.`] };
  const problems: string[] = [];
  const info = PARSERS[tool](new FieldReader(label, json, problems));
  return { info, problems };
}

function unionWords(lists: readonly (readonly string[] | undefined)[]): string[] | undefined {
  const present = lists.filter((l): l is readonly string[] => l !== undefined);
  if (present.length === 0) return undefined;
  const byKey = new Map<string, string>();
  for (const word of present.flat()) if (!byKey.has(word.toLowerCase())) byKey.set(word.toLowerCase(), word);
  return [...byKey.values()];
}

/** Merges readings given best first: the first tool that knows a value wins; word lists are united. */
export function mergeSidecars(infos: readonly SidecarInfo[]): SidecarInfo {
  const first = <K extends keyof SidecarInfo>(key: K): SidecarInfo[K] =>
    infos.find((info) => info[key] !== undefined)?.[key];
  return {
    civitaiModelId: first('civitaiModelId'),
    civitaiVersionId: first('civitaiVersionId'),
    modelName: first('modelName'),
    versionName: first('versionName'),
    baseModel: first('baseModel'),
    trainedWords: unionWords(infos.map((i) => i.trainedWords)),
    tags: unionWords(infos.map((i) => i.tags)),
    description: first('description'),
    nsfw: first('nsfw'),
    imageUrls: first('imageUrls'),
    activationText: first('activationText'),
    preferredWeight: first('preferredWeight'),
    notes: first('notes'),
  };
}
