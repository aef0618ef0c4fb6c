import { AtelierError } from '../../api';
import type { LibraryFileSystem } from './library-fs';

/**
 * The first read: whole headers of small LoRAs, the length prefix of big ones (a full SDXL kohya
 * header is ~390 KB and takes a second read). Larger first reads cost every file a bigger buffer.
 */
const FIRST_READ_BYTES = 64 * 1024;

/**
 * Headers above this are refused while scanning. Real ones stay under a few MB even with a large
 * `ss_tag_frequency`; the bound keeps a hostile file from costing the scan (× its concurrency) memory.
 */
export const SCAN_HEADER_LIMIT = 32 * 1024 * 1024;

export interface HeaderBytes {
  /** The file's first 8 + N bytes (or fewer, when the file is too short or claims too much). */
  readonly bytes: Uint8Array;
  /** Size and mtime as stat'ed before reading: a later write shows up as a change next scan. */
  readonly size: number;
  readonly mtimeMs: number;
}

async function readFully(
  handle: { read(into: Uint8Array, position: number): Promise<number> },
  into: Uint8Array,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const n = await handle.read(into.subarray(done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Reads only the safetensors length prefix and header, never the tensor data. `size` and `mtimeMs`
 * come from the caller's stat just before: a file rewritten after it will show another mtime at the
 * next scan and be read again, so no second stat is spent on the open handle.
 */
export async function readHeaderBytes(
  fs: LibraryFileSystem,
  filePath: string,
  stats: { size: number; mtimeMs: number },
): Promise<HeaderBytes> {
  const handle = await fs.open(filePath);
  try {
    // Unzeroed: only the bytes actually read are ever looked at.
    const first = Buffer.allocUnsafe(Math.min(FIRST_READ_BYTES, stats.size));
    const got = await readFully(handle, first, 0);
    const result = (bytes: Uint8Array): HeaderBytes => ({ bytes, size: stats.size, mtimeMs: stats.mtimeMs });
    if (got < 8) return result(first.subarray(0, got));
    const claimed = first.readBigUInt64LE(0);
    const needed = 8n + claimed;
    // Too-long claims go to the parser as they are: it names the problem (beyond the file, pickle…).
    if (needed <= BigInt(got) || needed > BigInt(stats.size)) return result(first.subarray(0, got));
    if (claimed > BigInt(SCAN_HEADER_LIMIT)) {
      throw new AtelierError(
        'INVALID_LORA_FILE',
        `Its header claims ${claimed} bytes, more than the ${SCAN_HEADER_LIMIT / 2 ** 20} MB a LoRA header can reasonably have; the file is probably damaged. Re-download it.`,
        { reason: 'header_too_large', path: filePath },
      );
    }
    const bytes = Buffer.allocUnsafe(Number(needed));
    first.copy(bytes, 0, 0, got);
    const rest = await readFully(handle, bytes.subarray(got), got);
    return result(bytes.subarray(0, got + rest));
  } finally {
    await handle.close();
  }
}
