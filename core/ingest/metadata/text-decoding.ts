const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/** ISO 8859-1 by code point; TextDecoder('latin1') is really windows-1252 and remaps 0x80–0x9F. */
export function decodeLatin1(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + 8192)));
  }
  return parts.join('');
}

export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return null;
  }
}

export function decodeUtf8Lenient(bytes: Uint8Array): string {
  return utf8Lenient.decode(bytes);
}

function hasHighBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return true;
  return false;
}

/**
 * Text that the spec says is Latin-1 (PNG tEXt, EXIF ASCII). Many generators write UTF-8 there
 * anyway; bytes that form valid UTF-8 with non-ASCII in them are almost never meant as Latin-1.
 */
export function decodeLatin1OrUtf8(bytes: Uint8Array): string {
  if (!hasHighBytes(bytes)) return decodeLatin1(bytes);
  return decodeUtf8Strict(bytes) ?? decodeLatin1(bytes);
}

export function decodeUtf16(bytes: Uint8Array, littleEndian: boolean): string {
  return new TextDecoder(littleEndian ? 'utf-16le' : 'utf-16be').decode(bytes);
}

/** Drops the NUL padding EXIF writers leave at the end of strings. */
export function trimNuls(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  return text.slice(0, end);
}
