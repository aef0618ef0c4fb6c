import { asciiOf, readUint16BE, WindowedReader } from './byte-source';
import type { ByteSource, ContainerMetadata, MetadataProblem, ReadLimits } from './metadata.types';
import { DEFAULT_READ_LIMITS, problem, textRecord } from './metadata.types';
import { decodeLatin1OrUtf8, trimNuls } from './text-decoding';
import { readExifTexts } from './tiff.reader';

export function isJpeg(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

const SOS = 0xda;
const EOI = 0xd9;
const APP1 = 0xe1;
const COM = 0xfe;

/** SOFn markers carry the frame size; C4 (DHT), C8 (reserved) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/**
 * Walks JPEG marker segments up to the start of scan (metadata always precedes it): the frame size
 * from SOFn, EXIF text from APP1 `Exif\0\0`, and COM comments.
 */
export async function readJpegContainer(
  source: ByteSource,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<ContainerMetadata> {
  const reader = new WindowedReader(source);
  const problems: MetadataProblem[] = [];
  const texts = textRecord();
  let width: number | null = null;
  let height: number | null = null;

  if (!isJpeg(await reader.read(0, 3))) {
    return { format: null, width, height, texts, problems: [problem('not_an_image', 'Not a JPEG file.')] };
  }
  let at = 2;
  let reachedScan = false;
  while (at < reader.size) {
    const head = await reader.read(at, 4);
    if (head.length < 2) break;
    if (head[0] !== 0xff) {
      problems.push(
        problem('bad_chunk', `Byte ${at} is not a JPEG marker; the rest of the file is not read.`),
      );
      break;
    }
    const marker = head[1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (isStandalone(marker)) {
      at += 2;
      continue;
    }
    if (marker === SOS || marker === EOI) {
      reachedScan = true;
      break;
    }
    if (head.length < 4) break;
    const length = readUint16BE(head, 2);
    const end = at + 2 + length;
    if (length < 2) {
      problems.push(
        problem(
          'bad_chunk',
          `The JPEG segment at byte ${at} has an impossible length; the rest is not read.`,
        ),
      );
      break;
    }
    if (end > reader.size) {
      problems.push(problem('truncated', `The JPEG segment at byte ${at} runs past the end of the file.`));
      break;
    }
    const bodyLength = length - 2;
    if (isStartOfFrame(marker) && bodyLength >= 5) {
      const frame = await reader.read(at + 4, 5);
      height = readUint16BE(frame, 1);
      width = readUint16BE(frame, 3);
    } else if (marker === APP1 && bodyLength > 6 && !('UserComment' in texts)) {
      const id = await reader.read(at + 4, 6);
      if (asciiOf(id, 0, 4) === 'Exif' && id[4] === 0 && id[5] === 0) {
        if (bodyLength > limits.maxTextBytes) {
          problems.push(
            problem('oversized', `An EXIF block of ${bodyLength} bytes is over the limit; skipped.`),
          );
        } else {
          const exif = readExifTexts(await reader.read(at + 10, bodyLength - 6));
          problems.push(...exif.problems);
          for (const [key, value] of Object.entries(exif.texts)) if (!(key in texts)) texts[key] = value;
        }
      }
    } else if (marker === COM && !('Comment' in texts)) {
      texts['Comment'] = trimNuls(decodeLatin1OrUtf8(await reader.read(at + 4, bodyLength)));
    }
    at = end;
  }
  if (!reachedScan && !problems.some((p) => p.code === 'truncated' || p.code === 'bad_chunk')) {
    problems.push(problem('truncated', 'The file ends before the image data.'));
  }
  return { format: 'jpeg', width, height, texts, problems };
}
