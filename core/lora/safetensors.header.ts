import { type Dtype, dtypeSize, isDtype } from './dtype';
import { invalidLoraFile, unsafeFileFormat } from './errors';
import { parseHeaderFast } from './safetensors.header.fast';

/** Larger headers exist only in hostile files; real LoRAs with big `ss_tag_frequency` stay under a few MB. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorInfo {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  /** Byte offsets relative to the start of the data region (just after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** Tensors in file order (by data offset). */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Absolute file offset of the data region: 8 + header length. */
  readonly dataOffset: number;
  readonly dataLength: number;
  readonly fileSize: number;
}

/**
 * Torch's pickles start with the PROTO opcode (0x80, protocol 2–5); its zip archives with `PK\x03\x04`.
 * A real safetensors file can start with the same two bytes (a header of 640 bytes is `80 02 00…`),
 * so this is consulted only once the bytes have failed to read as safetensors.
 */
export function sniffPickle(first: Uint8Array): 'pickle' | 'torch_zip' | null {
  if (first.length >= 2 && first[0] === 0x80 && first[1]! >= 2 && first[1]! <= 5) return 'pickle';
  if (first.length >= 4 && first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04) {
    return 'torch_zip';
  }
  return null;
}

/**
 * Reads the header length from a file's first 8 bytes and checks it against the file size, so a
 * caller knows how many bytes to read before `parseSafetensorsHeader`.
 */
function refuseIfPickle(first: Uint8Array, filePath: string | undefined): void {
  const pickle = sniffPickle(first);
  if (pickle !== null) throw unsafeFileFormat(pickle, filePath);
}

export function readHeaderLength(first: Uint8Array, fileSize: number, filePath?: string): number {
  if (fileSize === 0) throw invalidLoraFile('empty_file', 'the file is empty', filePath);
  if (fileSize < 8 || first.length < 8) {
    refuseIfPickle(first, filePath);
    throw invalidLoraFile('file_too_small', `the file has only ${fileSize} bytes`, filePath, { fileSize });
  }
  const view = new DataView(first.buffer, first.byteOffset, 8);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    refuseIfPickle(first, filePath);
    throw invalidLoraFile(
      length + 8n > BigInt(fileSize) ? 'header_length_beyond_file' : 'header_too_large',
      `its header claims ${length} bytes (file size ${fileSize})`,
      filePath,
      { headerLength: Number(length), fileSize },
    );
  }
  const n = Number(length);
  if (n + 8 > fileSize) {
    refuseIfPickle(first, filePath);
    throw invalidLoraFile(
      'header_length_beyond_file',
      `its header claims ${n} bytes but the file has only ${fileSize}`,
      filePath,
      {
        headerLength: n,
        fileSize,
      },
    );
  }
  return n;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseEntry(name: string, raw: unknown, filePath: string | undefined): TensorInfo {
  const malformed = (what: string) =>
    invalidLoraFile('tensor_entry_malformed', `tensor “${name}” has ${what}`, filePath, { tensor: name });
  if (!isPlainObject(raw)) throw malformed('an entry that is not an object');
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string') throw malformed('no dtype');
  if (!isDtype(dtype)) {
    throw invalidLoraFile('unknown_dtype', `tensor “${name}” has unknown dtype “${dtype}”`, filePath, {
      tensor: name,
      dtype,
    });
  }
  if (!Array.isArray(shape) || !shape.every(isOffset)) throw malformed('a shape that is not a list of sizes');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isOffset))
    throw malformed('bad data_offsets');
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw malformed('data_offsets that end before they begin');
  let bytes = dtypeSize(dtype);
  for (const size of shape) bytes *= size;
  if (!Number.isSafeInteger(bytes) || bytes !== end - begin) {
    throw invalidLoraFile(
      'shape_bytes_mismatch',
      `tensor “${name}” (${dtype} [${shape.join(', ')}]) needs ${bytes} bytes but spans ${end - begin}`,
      filePath,
      { tensor: name, expectedBytes: bytes, spanBytes: end - begin },
    );
  }
  return { name, dtype, shape, begin, end };
}

function checkSpans(tensors: TensorInfo[], dataLength: number, filePath: string | undefined): void {
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: TensorInfo | undefined;
  for (const tensor of tensors) {
    if (tensor.end > dataLength) {
      // A span that starts inside the data but runs past the end is what a cut-off download looks like.
      const truncated = tensor.begin < dataLength;
      throw invalidLoraFile(
        truncated ? 'data_truncated' : 'span_outside_data',
        truncated
          ? `tensor “${tensor.name}” is cut off: the file ends ${tensor.end - dataLength} bytes too early`
          : `tensor “${tensor.name}” points outside the file's data`,
        filePath,
        { tensor: tensor.name, end: tensor.end, dataLength },
      );
    }
    if (previous !== undefined && tensor.begin < previous.end && tensor.begin !== tensor.end) {
      throw invalidLoraFile(
        'overlapping_tensors',
        `tensors “${previous.name}” and “${tensor.name}” share bytes`,
        filePath,
        {
          tensors: [previous.name, tensor.name],
        },
      );
    }
    if (tensor.begin !== tensor.end) previous = tensor;
  }
}

/**
 * Parses and validates a safetensors header. `bytes` holds at least the first 8 + N bytes of the
 * file; `fileSize` is the whole file's size, so spans are checked without reading any data.
 * Synchronous so a folder scanner can call it on a small prefix read.
 */
export function parseSafetensorsHeader(
  bytes: Uint8Array,
  fileSize = bytes.length,
  filePath?: string,
): SafetensorsHeader {
  const headerLength = readHeaderLength(bytes, fileSize, filePath);
  if (bytes.length < 8 + headerLength) {
    throw invalidLoraFile(
      'header_incomplete',
      `only ${bytes.length} of ${8 + headerLength} header bytes were given`,
      filePath,
    );
  }
  return (
    parseHeaderFast(bytes, headerLength, fileSize) ??
    parseHeaderExact(bytes, headerLength, fileSize, filePath)
  );
}

/**
 * The reference road: JSON.parse, then every check with its typed error. `parseHeaderFast` answers
 * for well-formed headers and leaves everything else, damaged files included, to this.
 */
export function parseHeaderExact(
  bytes: Uint8Array,
  headerLength: number,
  fileSize: number,
  filePath?: string,
): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    );
  } catch {
    refuseIfPickle(bytes, filePath);
    throw invalidLoraFile('header_not_utf8', 'its header is not UTF-8 text', filePath);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    refuseIfPickle(bytes, filePath);
    throw invalidLoraFile('header_not_json', 'its header is not valid JSON', filePath);
  }
  if (!isPlainObject(json))
    throw invalidLoraFile('header_not_object', 'its header is not a JSON object', filePath);

  const metadataEntries: [string, string][] = [];
  const entries: TensorInfo[] = [];
  for (const [name, raw] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (!isPlainObject(raw))
        throw invalidLoraFile('metadata_not_strings', '__metadata__ is not an object', filePath);
      for (const [key, value] of Object.entries(raw)) {
        if (typeof value !== 'string') {
          throw invalidLoraFile('metadata_not_strings', `metadata “${key}” is not a string`, filePath, {
            key,
          });
        }
        metadataEntries.push([key, value]);
      }
      continue;
    }
    entries.push(parseEntry(name, raw, filePath));
  }
  const dataOffset = 8 + headerLength;
  const dataLength = fileSize - dataOffset;
  checkSpans(entries, dataLength, filePath);
  return {
    tensors: new Map(entries.map((entry) => [entry.name, entry])),
    // fromEntries defines own properties, so a hostile `__proto__` key stays plain data.
    metadata: Object.fromEntries(metadataEntries),
    dataOffset,
    dataLength,
    fileSize,
  };
}
