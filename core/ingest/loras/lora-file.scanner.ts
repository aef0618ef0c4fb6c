import path from 'node:path';
import { isAtelierError } from '../../api';
import type { ModelIdentity, ScannedLoraFile } from '../../store';
import { cacheCover } from './cover-image';
import type { LoraCandidate } from './folder-walker';
import type { HeaderOutcome, HeaderParser } from './header.parser';
import { readHeaderBytes } from './header-reader';
import type { HeaderSummary } from './header-summary';
import { errnoOf, type LibraryFileSystem } from './library-fs';
import { mergeSidecars, parseSidecar, type SidecarInfo } from './sidecar.parsers';
import { stemOf } from './sidecar-names';

/** Larger sidecars are not Civitai records; reading them would only cost memory. */
const SIDECAR_LIMIT = 16 * 1024 * 1024;
const KEPT_IMAGE_URLS = 20;

export interface FileScanContext {
  readonly fs: LibraryFileSystem;
  readonly cacheDir: string;
  readonly parser: HeaderParser;
}

/** What the stat pass saw; the row stores it for files that cannot be opened. */
export interface SeenFile {
  readonly candidate: LoraCandidate;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sidecarSig: string | null;
}

export type FileScanOutcome =
  { readonly kind: 'scanned'; readonly file: ScannedLoraFile } | { readonly kind: 'vanished' };

function quoted(filePath: string): string {
  return `“${path.basename(filePath)}”`;
}

/** A message a user can act on, for failures that are not already typed errors. */
export function readFailureMessage(error: unknown, filePath: string): string {
  if (isAtelierError(error)) return error.message;
  switch (errnoOf(error)) {
    case 'EACCES':
    case 'EPERM':
      return `${quoted(filePath)} cannot be read: permission denied. Give your user read permission on it.`;
    case 'EISDIR':
      return `${quoted(filePath)} is a folder, not a file.`;
    case 'ELOOP':
      return `${quoted(filePath)} is a link that points back to itself.`;
    case 'EIO':
      return `${quoted(filePath)} could not be read from the disk (I/O error). Check the drive.`;
    default:
      return `${quoted(filePath)} could not be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export function pickleMessage(filePath: string): string {
  return `${quoted(filePath)} is a pickled PyTorch file (.ckpt/.pt/.pth/.bin). Loading a pickle can run any code hidden in it, so Atelier never opens one. Ask the author for a .safetensors version, or convert it in a sandbox you trust.`;
}

export function errorRow(seen: SeenFile, message: string): ScannedLoraFile {
  const { candidate } = seen;
  return {
    path: candidate.path,
    folderId: candidate.folderId,
    fileName: candidate.fileName,
    size: seen.size,
    mtimeMs: seen.mtimeMs,
    scanState: 'error',
    error: message,
    format: null,
    baseModel: null,
    header: null,
    previewPath: null,
    sidecarSig: seen.sidecarSig,
    sidecars: null,
    identity: null,
  };
}

async function readSidecars(
  fs: LibraryFileSystem,
  candidate: LoraCandidate,
): Promise<{ info: SidecarInfo; used: string[]; problems: string[] }> {
  const infos: SidecarInfo[] = [];
  const used: string[] = [];
  const problems: string[] = [];
  for (const sidecar of candidate.metadataSidecars) {
    const label = path.basename(sidecar.path);
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(sidecar.path);
    } catch (error) {
      problems.push(`${label} could not be read (${errnoOf(error) ?? 'error'}); ignored.`);
      continue;
    }
    if (bytes.length > SIDECAR_LIMIT) {
      problems.push(`${label} is larger than a metadata file can be (${bytes.length} bytes); ignored.`);
      continue;
    }
    const reading = parseSidecar(sidecar.tool, label, bytes);
    problems.push(...reading.problems);
    if (Object.values(reading.info).some((v) => v !== undefined)) {
      infos.push(reading.info);
      used.push(label);
    }
  }
  return { info: mergeSidecars(infos), used, problems };
}

function identityOf(fileName: string, summary: HeaderSummary, info: SidecarInfo): ModelIdentity {
  const stem = stemOf(fileName);
  const meta: Record<string, unknown> = {};
  if (info.preferredWeight !== undefined) meta.preferredWeight = info.preferredWeight;
  if (info.activationText !== undefined) meta.activationText = info.activationText;
  if (info.notes !== undefined) meta.notes = info.notes;
  if (info.imageUrls !== undefined && info.imageUrls.length > 0) {
    meta.imageUrls = info.imageUrls.slice(0, KEPT_IMAGE_URLS);
  }
  return {
    civitaiModelId: info.civitaiModelId ?? null,
    civitaiVersionId: info.civitaiVersionId ?? null,
    modelName: info.modelName ?? summary.title ?? stem,
    versionName: info.versionName ?? stem,
    baseModel: info.baseModel ?? (summary.baseModel === 'unknown' ? null : summary.baseModel),
    trainedWords: info.trainedWords ?? [],
    tags: info.tags ?? null,
    description: info.description ?? null,
    nsfw: info.nsfw ?? null,
    versionMeta: Object.keys(meta).length === 0 ? null : meta,
  };
}

/**
 * Reads one new or changed `.safetensors` file: its header only (8 + N bytes), its sidecars, and
 * its embedded cover when no preview image sits beside it. Any failure becomes an `error` row; a
 * file that disappeared since the listing is reported as vanished. Never writes beside the file.
 */
export async function scanLoraFile(context: FileScanContext, seen: SeenFile): Promise<FileScanOutcome> {
  const { candidate } = seen;
  let bytes: Uint8Array;
  try {
    bytes = (await readHeaderBytes(context.fs, candidate.path, seen)).bytes;
  } catch (error) {
    const errno = errnoOf(error);
    if ((errno === 'ENOENT' || errno === 'ENOTDIR') && !candidate.isSymlink) return { kind: 'vanished' };
    return { kind: 'scanned', file: errorRow(seen, readFailureMessage(error, candidate.path)) };
  }
  const wantCover = candidate.previews.length === 0;
  let parsed: HeaderOutcome;
  try {
    parsed = await context.parser.parse({ bytes, size: seen.size, path: candidate.path, wantCover });
  } catch (error) {
    // A crashed parser worker costs this file its row, not the whole scan; cancellation still stops it.
    if (isAtelierError(error) && error.code === 'CANCELLED') throw error;
    return {
      kind: 'scanned',
      file: errorRow(
        seen,
        `Atelier could not read the header of ${quoted(candidate.path)}: ${readFailureMessage(error, candidate.path)}`,
      ),
    };
  }
  if (!parsed.ok) return { kind: 'scanned', file: errorRow(seen, parsed.message) };
  const { summary } = parsed;

  const sidecars = await readSidecars(context.fs, candidate);
  const problems = [...sidecars.problems];
  if (parsed.coverProblem !== null) problems.push(parsed.coverProblem);
  let previewPath = candidate.previews[0] ?? null;
  if (parsed.cover !== null) {
    try {
      previewPath = await cacheCover(context.fs, context.cacheDir, parsed.cover);
    } catch (error) {
      problems.push(`The cover image could not be saved to the cache (${errnoOf(error) ?? 'error'}).`);
    }
  }
  return {
    kind: 'scanned',
    file: {
      path: candidate.path,
      folderId: candidate.folderId,
      fileName: candidate.fileName,
      size: seen.size,
      mtimeMs: seen.mtimeMs,
      scanState: 'parsed',
      error: problems.length === 0 ? null : problems.join(' '),
      format: summary.format,
      baseModel: summary.baseModel,
      header: summary.header,
      previewPath,
      sidecarSig: seen.sidecarSig,
      sidecars: { used: sidecars.used, problems },
      identity: identityOf(candidate.fileName, summary, sidecars.info),
    },
  };
}
