import { LoraReferenceSet, normalizeHash } from './lora-refs';
import type { GenerationParameters, MetadataProblem } from './metadata.types';
import { emptyGeneration, problem } from './metadata.types';

/** A1111 keys are short phrases ("CFG scale", "Lora hashes"); a longer run before a colon is prose. */
const MAX_KEY_LENGTH = 64;
const KEY = /^\w[\w \-/]*$/;
/** A1111 itself treats the last line as settings only when at least three pairs parse from it. */
const MIN_PAIRS = 3;

export interface ParamPair {
  key: string;
  value: string;
}

function unquote(raw: string): string {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' ? value : raw.slice(1, -1);
  } catch {
    return raw.slice(1, -1);
  }
}

/** Index just past the bracket that closes the one at `start`, skipping brackets inside JSON strings; -1 if none. */
function closingBracket(line: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Splits A1111's settings line into `key: value` pairs in one pass. Values may be "quoted, with
 * commas" (JSON escapes) or JSON (`Hashes: {…}`, Civitai's `Civitai resources: […]`); anything else
 * runs to the next comma.
 * Hand-written rather than A1111's regex, whose backtracking is quadratic on a long line without pairs.
 */
export function parseParamLine(line: string): ParamPair[] {
  const pairs: ParamPair[] = [];
  // Once a quote has no closing partner, no later quote has one either. A bracket without a partner
  // ends bracket matching for the line, so a line of stray brackets costs one scan, not one per bracket.
  let noCloseQuoteFrom = Infinity;
  let bracketsUnbalanced = false;
  let at = 0;
  // Cached next positions: searching afresh at every pair would rescan a long line without colons.
  let colon = -2;
  let comma = -2;
  const nextOf = (cached: number, c: string) => (cached !== -1 && cached < at ? line.indexOf(c, at) : cached);
  while (at < line.length) {
    while (at < line.length && /\s/.test(line[at]!)) at++;
    colon = nextOf(colon, ':');
    comma = nextOf(comma, ',');
    const keyEnd = colon < 0 || colon - at > MAX_KEY_LENGTH || (comma >= 0 && comma < colon) ? -1 : colon;
    if (keyEnd < 0) {
      if (comma < 0) break;
      at = comma + 1;
      continue;
    }
    const key = line.slice(at, keyEnd).trim();
    at = keyEnd + 1;
    while (at < line.length && line[at] === ' ') at++;

    let value: string | null = null;
    if (line[at] === '"' && at < noCloseQuoteFrom) {
      let close = -1;
      for (let i = at + 1; i < line.length; i++) {
        if (line[i] === '\\') i++;
        else if (line[i] === '"') {
          close = i;
          break;
        }
      }
      if (close < 0) noCloseQuoteFrom = at;
      else {
        value = unquote(line.slice(at, close + 1));
        at = close + 1;
      }
    } else if ((line[at] === '{' || line[at] === '[') && !bracketsUnbalanced) {
      const close = closingBracket(line, at);
      if (close < 0) bracketsUnbalanced = true;
      else {
        value = line.slice(at, close);
        at = close;
      }
    }
    if (value === null) {
      comma = nextOf(comma, ',');
      value = line.slice(at, comma < 0 ? line.length : comma).trim();
      at = comma < 0 ? line.length : comma;
    }
    while (at < line.length && line[at] !== ',') at++;
    at++;
    if (KEY.test(key)) pairs.push({ key, value });
  }
  return pairs;
}

function toInteger(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

function toNumber(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Prompt tags `<lora:name>`, `<lora:name:0.8>`, `<lyco:name:0.8:0.5>`; bounded so a stray `<lora:` costs little. */
const LORA_TAG = /<(?:lora|lyco):([^:<>]{1,256})(?::([^:<>]{0,64}))?(?::[^<>]{0,64})?>/gi;

export function loraTagsOf(prompt: string): { name: string; weight: number | null }[] {
  const tags: { name: string; weight: number | null }[] = [];
  for (const match of prompt.matchAll(LORA_TAG)) {
    const rawWeight = match[2]?.trim();
    const weight = rawWeight === undefined || rawWeight === '' ? 1 : toNumber(rawWeight);
    tags.push({ name: match[1]!.trim(), weight });
  }
  return tags;
}

/** `Lora hashes: "name: 0123456789ab, other: …"`; names may hold colons, so split at the last one. */
function loraHashesOf(value: string): { name: string; hash: string }[] {
  const out: { name: string; hash: string }[] = [];
  for (const part of value.split(',')) {
    const colon = part.lastIndexOf(':');
    if (colon < 0) continue;
    const hash = normalizeHash(part.slice(colon + 1));
    const name = part.slice(0, colon).trim();
    if (hash !== null && name !== '') out.push({ name, hash });
  }
  return out;
}

/** `Hashes: {"model": "…", "lora:name": "…"}` as written by Civitai-aware savers. */
function hashesJsonOf(value: string, problems: MetadataProblem[]): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    const out: Record<string, string> = {};
    for (const [key, hash] of Object.entries(parsed)) if (typeof hash === 'string') out[key] = hash;
    return out;
  } catch {
    problems.push(
      problem('invalid_json', 'The "Hashes" value is not a JSON object; its hashes were not read.'),
    );
    return {};
  }
}

/**
 * Parses A1111/Forge `parameters` text: the prompt, `Negative prompt:` (both may span lines), then one
 * line of settings. Total: text that is not A1111's becomes a prompt with no settings.
 */
export function parseA1111Parameters(text: string): {
  generation: GenerationParameters;
  problems: MetadataProblem[];
} {
  const problems: MetadataProblem[] = [];
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  let pairs = parseParamLine(lines[lines.length - 1] ?? '');
  if (pairs.length < MIN_PAIRS) pairs = [];
  else lines.pop();

  const promptLines: string[] = [];
  const negativeLines: string[] = [];
  let inNegative = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (line.startsWith('Negative prompt:')) {
      inNegative = true;
      line = line.slice('Negative prompt:'.length).trim();
    }
    (inNegative ? negativeLines : promptLines).push(line);
  }
  const prompt = promptLines.join('\n').trim();
  const negative = negativeLines.join('\n').trim();

  const settings = new Map<string, string>();
  for (const { key, value } of pairs) if (!settings.has(key)) settings.set(key, value);
  const size = /^(\d+)\s*x\s*(\d+)$/.exec(settings.get('Size') ?? '');

  const loras = new LoraReferenceSet();
  for (const tag of loraTagsOf(prompt)) loras.add(tag);
  for (const { name, hash } of loraHashesOf(settings.get('Lora hashes') ?? '')) loras.add({ name, hash });
  const hashesJson = settings.has('Hashes') ? hashesJsonOf(settings.get('Hashes')!, problems) : {};
  for (const [key, hash] of Object.entries(hashesJson)) {
    if (key.startsWith('lora:')) loras.add({ name: key.slice('lora:'.length), hash });
  }

  const known = new Set([
    'Steps',
    'Sampler',
    'Schedule type',
    'CFG scale',
    'Seed',
    'Size',
    'Model hash',
    'Model',
    'Clip skip',
  ]);
  const extra: Record<string, string> = {};
  for (const [key, value] of settings) if (!known.has(key)) extra[key] = value;

  return {
    generation: {
      ...emptyGeneration(),
      tool: pairs.length > 0 || negative !== '' ? 'a1111' : null,
      prompt: prompt === '' ? null : prompt,
      negativePrompt: negative === '' ? null : negative,
      seed: toInteger(settings.get('Seed')),
      steps: toInteger(settings.get('Steps')),
      sampler: settings.get('Sampler') || null,
      scheduler: settings.get('Schedule type') || null,
      cfg: toNumber(settings.get('CFG scale')),
      clipSkip: toInteger(settings.get('Clip skip')),
      width: size ? Number(size[1]) : null,
      height: size ? Number(size[2]) : null,
      modelHash: normalizeHash(settings.get('Model hash') ?? hashesJson['model'] ?? ''),
      modelName: settings.get('Model') || null,
      loras: loras.toArray(),
      extra,
    },
    problems,
  };
}
