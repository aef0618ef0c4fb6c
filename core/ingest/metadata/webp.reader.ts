import { asciiOf, readUint24LE, readUint32LE, WindowedReader } from './byte-source';
import type { ByteSource, ContainerMetadata, MetadataProblem, ReadLimits } from './metadata.types';
import { DEFAULT_READ_LIMITS, problem, textRecord } from './metadata.types';
import { readExifTexts } from './tiff.reader';

export function isWebp(head: Uint8Array): boolean {
  return head.length >= 12 && asciiOf(head, 0, 4) === 'RIFF' && asciiOf(head, 8, 4) === 'WEBP';
}

function frameSize(fourcc: string, data: Uint8Array): { width: number; height: number } | null {
  if (fourcc === 'VP8X' && data.length >= 10) {
    return { width: readUint24LE(data, 4) + 1, height: readUint24LE(data, 7) + 1 };
  }
  if (fourcc === 'VP8 ' && data.length >= 10 && data[3] === 0x9d && data[4] === 0x01 && data[5] === 0x2a) {
    return { width: (data[6]! | (data[7]! << 8)) & 0x3fff, height: (data[8]! | (data[9]! << 8)) & 0x3fff };
  }
  if (fourcc === 'VP8L' && data.length >= 5 && data[0] === 0x2f) {
    const bits = readUint32LE(data, 1);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return null;
}

/**
 * Walks the RIFF chunks of a WebP: the canvas size (VP8X, or the frame header of a simple file) and
 * the `EXIF` chunk, which Pillow (A1111) writes with an `Exif\0\0` prefix and others without.
 */
export async function readWebpContainer(
  source: ByteSource,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<ContainerMetadata> {
  const reader = new WindowedReader(source);
  const problems: MetadataProblem[] = [];
  const texts = textRecord();
  let size: { width: number; height: number } | null = null;

  const head = await reader.read(0, 12);
  if (!isWebp(head)) {
    return {
      format: null,
      width: null,
      height: null,
      texts,
      problems: [problem('not_an_image', 'Not a WebP file.')],
    };
  }
  const riffEnd = 8 + readUint32LE(head, 4);
  if (riffEnd > reader.size)
    problems.push(problem('truncated', 'The file is shorter than its RIFF header says.'));
  const end = Math.min(riffEnd, reader.size);

  let at = 12;
  while (at + 8 <= end) {
    const chunk = await reader.read(at, 8);
    const fourcc = asciiOf(chunk, 0, 4);
    const length = readUint32LE(chunk, 4);
    const next = at + 8 + length + (length & 1);
    if (at + 8 + length > end) {
      problems.push(
        problem('truncated', `The ${fourcc.trim()} chunk at byte ${at} runs past the end of the file.`),
      );
      break;
    }
    if (size === null && (fourcc === 'VP8X' || fourcc === 'VP8 ' || fourcc === 'VP8L')) {
      size = frameSize(fourcc, await reader.read(at + 8, Math.min(length, 10)));
    } else if (fourcc === 'EXIF' && !('UserComment' in texts)) {
      if (length > limits.maxTextBytes) {
        problems.push(problem('oversized', `An EXIF chunk of ${length} bytes is over the limit; skipped.`));
      } else {
        const exif = readExifTexts(await reader.read(at + 8, length));
        problems.push(...exif.problems);
        for (const [key, value] of Object.entries(exif.texts)) if (!(key in texts)) texts[key] = value;
      }
    }
    at = next;
  }
  return { format: 'webp', width: size?.width ?? null, height: size?.height ?? null, texts, problems };
}
