import type { Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AtelierError, isAtelierError } from '../api';
import type { Disposable } from '../common';
import { decodeFloat32, isFloatDtype } from './dtype';
import { fileSystemError, invalidLoraFile, unsafeFileFormat } from './errors';
import {
  parseSafetensorsHeader,
  readHeaderLength,
  type SafetensorsHeader,
  type TensorInfo,
} from './safetensors.header';

/** Extensions of PyTorch pickles; a file with one of them that is not valid safetensors is never guessed at. */
const PICKLE_EXTENSIONS = new Set(['.ckpt', '.pt', '.pth', '.bin', '.pkl']);

export function hasPickleExtension(filePath: string): boolean {
  return PICKLE_EXTENSIONS.has(path.extname(filePath).toLowerCase());
}

/** Reads exactly `length` bytes at `position`, since a positional read may return fewer. */
async function readExactly(
  handle: FileHandle,
  length: number,
  position: number,
  filePath: string,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) {
      throw invalidLoraFile(
        'data_truncated',
        'the file ended while reading it (was it changed on disk?)',
        filePath,
      );
    }
    done += bytesRead;
  }
  return out;
}

/**
 * An open safetensors file whose header has been validated. Tensor bytes are read only when asked,
 * with positional reads, so inspecting a 200 MB LoRA touches a few kilobytes.
 */
export class SafetensorsReader implements Disposable {
  private closed = false;

  private constructor(
    readonly path: string,
    readonly header: SafetensorsHeader,
    private readonly handle: FileHandle,
  ) {}

  static async open(filePath: string): Promise<SafetensorsReader> {
    // Checked before opening: opening a FIFO or device for reading can block forever.
    let info: Stats;
    try {
      info = await stat(filePath);
    } catch (error) {
      throw fileSystemError(error, filePath, 'read');
    }
    if (info.isDirectory()) throw invalidLoraFile('is_directory', 'it is a folder, not a file', filePath);
    if (!info.isFile()) throw invalidLoraFile('not_a_file', 'it is not a regular file', filePath);
    let handle: FileHandle;
    try {
      handle = await open(filePath, 'r');
    } catch (error) {
      throw fileSystemError(error, filePath, 'read');
    }
    try {
      const fileSize = (await handle.stat()).size;
      const first = await readExactly(handle, Math.min(8, fileSize), 0, filePath);
      const headerLength = readHeaderLength(first, fileSize, filePath);
      const bytes = new Uint8Array(8 + headerLength);
      bytes.set(first);
      bytes.set(await readExactly(handle, headerLength, 8, filePath), 8);
      const header = parseSafetensorsHeader(bytes, fileSize, filePath);
      return new SafetensorsReader(filePath, header, handle);
    } catch (error) {
      await handle.close();
      if (isAtelierError(error) && error.code === 'INVALID_LORA_FILE' && hasPickleExtension(filePath)) {
        throw unsafeFileFormat('not_safetensors', filePath);
      }
      throw fileSystemError(error, filePath, 'read');
    }
  }

  get metadata(): Readonly<Record<string, string>> {
    return this.header.metadata;
  }

  get tensors(): ReadonlyMap<string, TensorInfo> {
    return this.header.tensors;
  }

  get fileSize(): number {
    return this.header.fileSize;
  }

  tensor(name: string): TensorInfo {
    const info = this.header.tensors.get(name);
    if (info === undefined)
      throw invalidLoraFile('tensor_not_found', `it has no tensor “${name}”`, this.path, { tensor: name });
    return info;
  }

  /** The tensor's raw little-endian bytes. */
  async readBytes(name: string): Promise<Uint8Array> {
    if (this.closed) throw new AtelierError('INTERNAL', `Reader for ${this.path} is closed.`);
    const info = this.tensor(name);
    try {
      return await readExactly(
        this.handle,
        info.end - info.begin,
        this.header.dataOffset + info.begin,
        this.path,
      );
    } catch (error) {
      throw fileSystemError(error, this.path, 'read');
    }
  }

  /**
   * Bytes `begin`…`begin + into.byteLength` of the data region (tensor offsets are relative to it), in
   * one read: for callers that want many tensors of a file, which one positional read per tensor makes
   * slow (an SDXL LoRA has ~3,000).
   */
  async readData(begin: number, into: Uint8Array): Promise<void> {
    if (this.closed) throw new AtelierError('INTERNAL', `Reader for ${this.path} is closed.`);
    const dataLength = this.header.fileSize - this.header.dataOffset;
    if (!Number.isSafeInteger(begin) || begin < 0 || begin + into.byteLength > dataLength) {
      throw new AtelierError(
        'INVALID_INPUT',
        `A read of ${into.byteLength} bytes at ${begin} is outside the data.`,
      );
    }
    await this.readAt(this.header.dataOffset + begin, into);
  }

  /**
   * Part of a tensor's bytes, read into `into` from byte `offset` within the tensor: for tensors too big
   * to read whole (a weight space's components).
   */
  async readInto(name: string, offset: number, into: Uint8Array): Promise<void> {
    if (this.closed) throw new AtelierError('INTERNAL', `Reader for ${this.path} is closed.`);
    const info = this.tensor(name);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + into.byteLength > info.end - info.begin) {
      throw new AtelierError(
        'INVALID_INPUT',
        `A read of ${into.byteLength} bytes at ${offset} is outside “${name}”.`,
      );
    }
    await this.readAt(this.header.dataOffset + info.begin + offset, into);
  }

  /** Fills `into` from file position `position`. */
  private async readAt(position: number, into: Uint8Array): Promise<void> {
    try {
      let done = 0;
      while (done < into.byteLength) {
        const { bytesRead } = await this.handle.read(into, done, into.byteLength - done, position + done);
        if (bytesRead === 0) throw new Error('unexpected end of file');
        done += bytesRead;
      }
    } catch (error) {
      throw fileSystemError(error, this.path, 'read');
    }
  }

  /** The tensor as float32, row-major in its stored shape. */
  async readFloat32(name: string): Promise<Float32Array> {
    const info = this.tensor(name);
    if (!isFloatDtype(info.dtype)) {
      throw invalidLoraFile(
        'undecodable_dtype',
        `tensor “${name}” is ${info.dtype}, which Atelier cannot use as weights`,
        this.path,
        {
          tensor: name,
          dtype: info.dtype,
        },
      );
    }
    return decodeFloat32(await this.readBytes(name), info.dtype);
  }

  /** A one-element tensor (alpha) as a number. */
  async readScalar(name: string): Promise<number> {
    const info = this.tensor(name);
    const count = info.shape.reduce((a, b) => a * b, 1);
    if (count !== 1) {
      throw invalidLoraFile(
        'tensor_entry_malformed',
        `tensor “${name}” should hold one number but has shape [${info.shape.join(', ')}]`,
        this.path,
        {
          tensor: name,
        },
      );
    }
    const values = await this.readFloat32(name);
    return values[0]!;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  /** For DisposableStore: closes in the background; prefer `await close()` where possible. */
  dispose(): void {
    this.close().catch(() => undefined);
  }
}

/** Opens a file, runs `use`, and always closes the handle. */
export async function withSafetensors<T>(
  filePath: string,
  use: (reader: SafetensorsReader) => Promise<T> | T,
): Promise<T> {
  const reader = await SafetensorsReader.open(filePath);
  try {
    return await use(reader);
  } finally {
    await reader.close();
  }
}
