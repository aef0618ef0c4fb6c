import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { AtelierError } from '../api';
import { fileSystemError } from './errors';
import { readHeaderLength } from './safetensors.header';

export interface HashProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface HashOptions {
  /** Bytes per read, clamped to 1–4 MB. */
  readonly chunkSize?: number;
  readonly onProgress?: (progress: HashProgress) => void;
  readonly signal?: AbortSignal;
}

export interface LoraHashes {
  /** SHA-256 of the whole file (Civitai “SHA256”). */
  readonly sha256: string;
  /** First 10 hex of `sha256`. */
  readonly autoV2: string;
  /** SHA-256 of the bytes after the safetensors header (kohya `sshs_model_hash`); null if not safetensors. */
  readonly tensorSha256: string | null;
  /** First 12 hex of `tensorSha256`, what A1111 writes in “Lora hashes”. */
  readonly autoV3: string | null;
}

const MB = 1024 * 1024;

function chunkSizeOf(options: HashOptions): number {
  return Math.min(4 * MB, Math.max(MB, Math.floor(options.chunkSize ?? 4 * MB)));
}

function throwIfAborted(signal: AbortSignal | undefined, filePath: string): void {
  if (signal?.aborted === true)
    throw new AtelierError('CANCELLED', `Hashing ${filePath} was cancelled.`, { reason: 'aborted' });
}

/** Where the tensor bytes start, or null when the file is not safetensors (hashes of other files are still useful). */
async function tensorDataOffset(handle: FileHandle, fileSize: number): Promise<number | null> {
  const first = new Uint8Array(8);
  const { bytesRead } = await handle.read(first, 0, 8, 0);
  try {
    return 8 + readHeaderLength(first.subarray(0, bytesRead), fileSize);
  } catch {
    return null;
  }
}

/**
 * One streamed pass computing the full-file SHA-256 (AutoV2) and the tensor-data SHA-256 (AutoV3)
 * together, so a library of thousands of LoRAs is read once. Cancel with `signal` (CANCELLED).
 */
export async function hashLoraFile(filePath: string, options: HashOptions = {}): Promise<LoraHashes> {
  throwIfAborted(options.signal, filePath);
  let handle: FileHandle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    throw fileSystemError(error, filePath, 'read');
  }
  try {
    const { size } = await handle.stat();
    const dataOffset = await tensorDataOffset(handle, size);
    const full = createHash('sha256');
    const tensors = dataOffset === null ? null : createHash('sha256');
    // Sized to the file and not zero-filled: a library of small files would otherwise pay for
    // clearing 4 MB per file.
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(chunkSizeOf(options), size)));
    let position = 0;
    while (position < size) {
      throwIfAborted(options.signal, filePath);
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      full.update(chunk);
      if (tensors !== null && dataOffset !== null && position + bytesRead > dataOffset) {
        tensors.update(chunk.subarray(Math.max(0, dataOffset - position)));
      }
      position += bytesRead;
      options.onProgress?.({ bytesDone: position, bytesTotal: size });
    }
    const sha256 = full.digest('hex');
    const tensorSha256 = tensors === null ? null : tensors.digest('hex');
    return {
      sha256,
      autoV2: sha256.slice(0, 10),
      tensorSha256,
      autoV3: tensorSha256 === null ? null : tensorSha256.slice(0, 12),
    };
  } catch (error) {
    throw fileSystemError(error, filePath, 'read');
  } finally {
    await handle.close();
  }
}
