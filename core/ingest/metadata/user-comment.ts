import { decodeLatin1, decodeLatin1OrUtf8, decodeUtf16, trimNuls } from './text-decoding';

const PREFIX_BYTES = 8;

function prefixOf(bytes: Uint8Array): string {
  return bytes.length < PREFIX_BYTES ? '' : decodeLatin1(bytes.subarray(0, PREFIX_BYTES));
}

/**
 * Which byte order UTF-16 text is in. The spec says "the TIFF byte order", but piexif (A1111, Forge)
 * always writes big-endian, and other tools write little-endian in big-endian files; prompts are
 * mostly ASCII, so the side the zero bytes fall on tells. A byte-order mark wins when present.
 */
export function guessUtf16LittleEndian(bytes: Uint8Array, fallbackLittleEndian: boolean): boolean {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return true;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return false;
  let zerosEven = 0;
  let zerosOdd = 0;
  const limit = Math.min(bytes.length, 4096);
  for (let i = 0; i < limit; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 0) zerosEven++;
    else zerosOdd++;
  }
  if (zerosEven === zerosOdd) return fallbackLittleEndian;
  return zerosOdd > zerosEven;
}

function looksLikeUtf16(bytes: Uint8Array): boolean {
  let zeros = 0;
  const limit = Math.min(bytes.length, 512);
  for (let i = 0; i < limit; i++) if (bytes[i] === 0) zeros++;
  return limit >= 4 && zeros * 4 >= limit;
}

function decodeUtf16Guessing(bytes: Uint8Array, littleEndianTiff: boolean): string {
  const even = bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1);
  const le = guessUtf16LittleEndian(even, littleEndianTiff);
  const text = decodeUtf16(even, le);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function decodeShiftJis(bytes: Uint8Array): string {
  try {
    return new TextDecoder('shift_jis').decode(bytes);
  } catch {
    return decodeLatin1(bytes);
  }
}

/**
 * EXIF UserComment: an 8-byte character code (`ASCII`, `UNICODE`, `JIS`, or eight NULs for
 * "undefined") and then the text. Writers that skip the code are read as plain text.
 */
export function decodeUserComment(bytes: Uint8Array, littleEndianTiff: boolean): string {
  const prefix = prefixOf(bytes);
  const body = bytes.subarray(PREFIX_BYTES);
  let text: string;
  if (prefix === 'ASCII\0\0\0') text = decodeLatin1OrUtf8(body);
  else if (prefix === 'UNICODE\0') text = decodeUtf16Guessing(body, littleEndianTiff);
  else if (prefix === 'JIS\0\0\0\0\0') text = decodeShiftJis(body);
  else if (prefix === '\0\0\0\0\0\0\0\0') {
    text = looksLikeUtf16(body) ? decodeUtf16Guessing(body, littleEndianTiff) : decodeLatin1OrUtf8(body);
  } else {
    text = looksLikeUtf16(bytes) ? decodeUtf16Guessing(bytes, littleEndianTiff) : decodeLatin1OrUtf8(bytes);
  }
  return trimNuls(text);
}
