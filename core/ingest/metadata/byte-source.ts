import type { ByteSource } from './metadata.types';

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => {
      const start = Math.min(Math.max(0, offset), bytes.length);
      return Promise.resolve(bytes.subarray(start, Math.min(bytes.length, start + Math.max(0, length))));
    },
  };
}

const WINDOW_BYTES = 64 * 1024;

/**
 * Serves small reads from one cached window. Chunk walks read an 8-byte header per chunk; PNG writers
 * often split image data into 8 KiB chunks, so without a window a walk costs hundreds of reads.
 */
export class WindowedReader {
  private windowStart = 0;
  private window: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly source: ByteSource,
    private readonly windowBytes = WINDOW_BYTES,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** Up to `length` bytes at `offset`; shorter only at the end of the file. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = offset + length;
    if (offset >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.subarray(offset - this.windowStart, end - this.windowStart);
    }
    if (length > this.windowBytes) return this.source.read(offset, length);
    this.window = await this.source.read(offset, this.windowBytes);
    this.windowStart = offset;
    return this.window.subarray(0, Math.min(length, this.window.length));
  }
}

export function readUint32BE(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

export function readUint16BE(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

export function readUint32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

export function readUint24LE(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
}

export function asciiOf(bytes: Uint8Array, at: number, length: number): string {
  let out = '';
  for (let i = at; i < at + length && i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}
