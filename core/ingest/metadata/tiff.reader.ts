import type { MetadataProblem } from './metadata.types';
import { problem, textRecord } from './metadata.types';
import { decodeLatin1OrUtf8, decodeUtf16, trimNuls } from './text-decoding';
import { decodeUserComment } from './user-comment';

const TYPE_SIZES: Readonly<Record<number, number>> = {
  1: 1, // BYTE
  2: 1, // ASCII
  3: 2, // SHORT
  4: 4, // LONG
  5: 8, // RATIONAL
  6: 1, // SBYTE
  7: 1, // UNDEFINED
  8: 2, // SSHORT
  9: 4, // SLONG
  10: 8, // SRATIONAL
  11: 4, // FLOAT
  12: 8, // DOUBLE
  13: 4, // IFD
};

const TAG_IMAGE_DESCRIPTION = 0x010e;
const TAG_MAKE = 0x010f;
const TAG_MODEL = 0x0110;
const TAG_XP_COMMENT = 0x9c9c;
const TAG_EXIF_IFD = 0x8769;
const TAG_USER_COMMENT = 0x9286;

/** Real IFDs hold tens of entries; a count in the thousands is a corrupt offset. */
const MAX_ENTRIES = 1024;

/** IFD0 string tags worth keeping: ComfyUI's WebP saver writes `prompt:`/`workflow:` into Make/Model. */
const IFD0_TEXT_TAGS: ReadonlyMap<number, string> = new Map([
  [TAG_IMAGE_DESCRIPTION, 'ImageDescription'],
  [TAG_MAKE, 'Make'],
  [TAG_MODEL, 'Model'],
]);

interface Entry {
  tag: number;
  type: number;
  valueAt: number;
  value: Uint8Array;
}

class TiffView {
  readonly littleEndian: boolean;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.littleEndian = bytes[0] === 0x49;
  }

  u16(at: number): number {
    return this.view.getUint16(at, this.littleEndian);
  }

  u32(at: number): number {
    return this.view.getUint32(at, this.littleEndian);
  }

  fits(at: number, length: number): boolean {
    return at >= 0 && length >= 0 && at + length <= this.bytes.length;
  }
}

function readIfd(tiff: TiffView, offset: number, problems: MetadataProblem[]): Entry[] {
  if (!tiff.fits(offset, 2)) {
    problems.push(problem('bad_exif', `An EXIF directory offset (${offset}) points outside the EXIF block.`));
    return [];
  }
  const count = tiff.u16(offset);
  if (count > MAX_ENTRIES || !tiff.fits(offset + 2, count * 12)) {
    problems.push(problem('bad_exif', `An EXIF directory claims ${count} entries that do not fit; skipped.`));
    return [];
  }
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const at = offset + 2 + i * 12;
    const tag = tiff.u16(at);
    const type = tiff.u16(at + 2);
    const size = (TYPE_SIZES[type] ?? 0) * tiff.u32(at + 4);
    const valueAt = size <= 4 ? at + 8 : tiff.u32(at + 8);
    if (!tiff.fits(valueAt, size)) {
      problems.push(
        problem('bad_exif', `EXIF tag 0x${tag.toString(16)} points outside the EXIF block; skipped.`),
      );
      continue;
    }
    entries.push({ tag, type, valueAt, value: tiff.bytes.subarray(valueAt, valueAt + size) });
  }
  return entries;
}

/**
 * Reads the text tags generators use from a TIFF-structured EXIF block (byte-order mark first; an
 * `Exif\0\0` prefix is skipped): IFD0's description strings and XPComment, and UserComment from the
 * Exif IFD. Other IFDs and the thumbnail are not visited.
 */
export function readExifTexts(block: Uint8Array): {
  texts: Record<string, string>;
  problems: MetadataProblem[];
} {
  const texts = textRecord();
  const problems: MetadataProblem[] = [];
  let bytes = block;
  if (
    bytes.length >= 6 &&
    String.fromCharCode(...bytes.subarray(0, 4)) === 'Exif' &&
    bytes[4] === 0 &&
    bytes[5] === 0
  ) {
    bytes = bytes.subarray(6);
  }
  const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (bytes.length < 8 || (order !== 'II' && order !== 'MM')) {
    return {
      texts,
      problems: [problem('bad_exif', 'The EXIF block does not start with a TIFF header; skipped.')],
    };
  }
  const tiff = new TiffView(bytes);
  if (tiff.u16(2) !== 42) {
    return {
      texts,
      problems: [problem('bad_exif', 'The EXIF block has a wrong TIFF magic number; skipped.')],
    };
  }

  let exifIfdOffset: number | null = null;
  for (const entry of readIfd(tiff, tiff.u32(4), problems)) {
    const name = IFD0_TEXT_TAGS.get(entry.tag);
    if (name !== undefined && entry.type === 2) {
      texts[name] = trimNuls(decodeLatin1OrUtf8(entry.value));
    } else if (entry.tag === TAG_XP_COMMENT) {
      // Windows' XP tags are UTF-16LE in every byte order.
      texts['XPComment'] = trimNuls(decodeUtf16(entry.value.subarray(0, entry.value.length & ~1), true));
    } else if (entry.tag === TAG_EXIF_IFD && entry.value.length >= 4) {
      exifIfdOffset = tiff.u32(entry.valueAt);
    }
  }
  if (exifIfdOffset !== null && exifIfdOffset !== tiff.u32(4)) {
    for (const entry of readIfd(tiff, exifIfdOffset, problems)) {
      if (entry.tag === TAG_USER_COMMENT)
        texts['UserComment'] = decodeUserComment(entry.value, tiff.littleEndian);
    }
  }
  return { texts, problems };
}
