import { inflateSync } from 'node:zlib';
import type { MetadataProblem } from './metadata.types';
import { problem } from './metadata.types';

/**
 * zlib inflate that stops at `maxBytes` of output: a few KB of zeros can inflate to gigabytes, and
 * a text chunk is not worth that.
 */
export function boundedInflate(
  data: Uint8Array,
  maxBytes: number,
  what: string,
): { bytes: Uint8Array } | { problem: MetadataProblem } {
  try {
    return { bytes: inflateSync(data, { maxOutputLength: maxBytes }) };
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      return { problem: problem('oversized', `${what} inflates to more than ${maxBytes} bytes; skipped.`) };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: problem('inflate_failed', `${what} could not be decompressed (${reason}).`) };
  }
}
