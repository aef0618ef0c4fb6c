import { asciiOf, readUint32BE, WindowedReader } from './byte-source';
import { crc32 } from './crc32';
import { boundedInflate } from './inflate';
import type { ByteSource, ContainerMetadata, MetadataProblem, ReadLimits } from './metadata.types';
import { DEFAULT_READ_LIMITS, problem, textRecord } from './metadata.types';
import { decodeLatin1OrUtf8, decodeUtf8Lenient, decodeUtf8Strict } from './text-decoding';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const TEXT_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt']);
/** The spec's limit on chunk lengths; anything above is a corrupt length field. */
const MAX_CHUNK_LENGTH = 0x7fffffff;

export function isPng(head: Uint8Array): boolean {
  return head.length >= 8 && PNG_SIGNATURE.every((b, i) => head[i] === b);
}

interface TextEntry {
  keyword: string;
  text: string;
}

function splitKeyword(data: Uint8Array, type: string): { keyword: string; rest: number } | MetadataProblem {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) return problem('bad_chunk', `A ${type} chunk has no valid keyword; skipped.`);
  return { keyword: decodeLatin1OrUtf8(data.subarray(0, nul)), rest: nul + 1 };
}

function isProblem(value: object): value is MetadataProblem {
  return 'code' in value;
}

/** Decodes one text chunk's data; the chunk's CRC has been checked already. */
export function decodeTextChunk(
  type: string,
  data: Uint8Array,
  limits: ReadLimits,
): { entry?: TextEntry; problems: MetadataProblem[] } {
  const head = splitKeyword(data, type);
  if (isProblem(head)) return { problems: [head] };
  const { keyword } = head;
  let at = head.rest;

  if (type === 'tEXt')
    return { entry: { keyword, text: decodeLatin1OrUtf8(data.subarray(at)) }, problems: [] };

  if (type === 'zTXt') {
    if (data[at] !== 0)
      return { problems: [problem('bad_chunk', `zTXt "${keyword}" uses an unknown compression method.`)] };
    const inflated = boundedInflate(data.subarray(at + 1), limits.maxTextBytes, `zTXt "${keyword}"`);
    if ('problem' in inflated) return { problems: [inflated.problem] };
    return { entry: { keyword, text: decodeLatin1OrUtf8(inflated.bytes) }, problems: [] };
  }

  // iTXt: compression flag, method, language tag\0, translated keyword\0, UTF-8 text.
  const compressed = data[at];
  const method = data[at + 1];
  at += 2;
  const languageEnd = data.indexOf(0, at);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (compressed === undefined || translatedEnd < 0) {
    return { problems: [problem('bad_chunk', `iTXt "${keyword}" is cut short; skipped.`)] };
  }
  let textBytes = data.subarray(translatedEnd + 1);
  if (compressed === 1) {
    if (method !== 0)
      return { problems: [problem('bad_chunk', `iTXt "${keyword}" uses an unknown compression method.`)] };
    const inflated = boundedInflate(textBytes, limits.maxTextBytes, `iTXt "${keyword}"`);
    if ('problem' in inflated) return { problems: [inflated.problem] };
    textBytes = inflated.bytes;
  }
  const strict = decodeUtf8Strict(textBytes);
  if (strict !== null) return { entry: { keyword, text: strict }, problems: [] };
  return {
    entry: { keyword, text: decodeUtf8Lenient(textBytes) },
    problems: [
      problem(
        'bad_text_encoding',
        `iTXt "${keyword}" is not valid UTF-8; unreadable characters were replaced.`,
      ),
    ],
  };
}

/**
 * Walks every chunk of a PNG (some writers put text after the image data), reading only IHDR and
 * text chunks; image data is skipped by offset. Lengths and CRCs are checked; a chunk that fails is
 * reported and skipped, and a length that runs past the file ends the walk.
 */
export async function readPngContainer(
  source: ByteSource,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<ContainerMetadata> {
  const reader = new WindowedReader(source);
  const problems: MetadataProblem[] = [];
  const texts = textRecord();
  let width: number | null = null;
  let height: number | null = null;

  if (!isPng(await reader.read(0, 8))) {
    return { format: null, width, height, texts, problems: [problem('not_an_image', 'Not a PNG file.')] };
  }

  let at = 8;
  let sawEnd = false;
  while (at < reader.size) {
    const header = await reader.read(at, 8);
    if (header.length < 8) {
      problems.push(problem('truncated', `The file ends inside a chunk header at byte ${at}.`));
      break;
    }
    const length = readUint32BE(header, 0);
    const type = asciiOf(header, 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type) || length > MAX_CHUNK_LENGTH) {
      problems.push(
        problem('bad_chunk', `Byte ${at} does not start a valid chunk; the rest of the file is not read.`),
      );
      break;
    }
    const next = at + 12 + length;
    if (next > reader.size) {
      problems.push(problem('truncated', `The ${type} chunk at byte ${at} runs past the end of the file.`));
      break;
    }

    if (type === 'IHDR' || TEXT_CHUNKS.has(type)) {
      if (TEXT_CHUNKS.has(type) && length > limits.maxTextBytes) {
        problems.push(
          problem(
            'oversized',
            `A ${type} chunk of ${length} bytes is over the ${limits.maxTextBytes}-byte limit; skipped.`,
          ),
        );
      } else {
        const body = await reader.read(at + 4, length + 8);
        const data = body.subarray(4, 4 + length);
        if (crc32(body.subarray(0, 4 + length)) !== readUint32BE(body, 4 + length)) {
          problems.push(problem('bad_crc', `The ${type} chunk at byte ${at} fails its CRC check; skipped.`));
        } else if (type === 'IHDR') {
          if (length >= 8) {
            width = readUint32BE(data, 0);
            height = readUint32BE(data, 4);
          }
        } else {
          const decoded = decodeTextChunk(type, data, limits);
          problems.push(...decoded.problems);
          if (decoded.entry && !(decoded.entry.keyword in texts))
            texts[decoded.entry.keyword] = decoded.entry.text;
        }
      }
    }
    if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    at = next;
  }
  if (!sawEnd && !problems.some((p) => p.code === 'truncated' || p.code === 'bad_chunk')) {
    problems.push(problem('truncated', 'The file ends before the IEND chunk.'));
  }
  return { format: 'png', width, height, texts, problems };
}
