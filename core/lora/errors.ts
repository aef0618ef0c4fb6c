import path from 'node:path';
import { AtelierError } from '../api';
import type { LoraProblemKind } from './formats/parsed-lora.types';

/**
 * Why a file was refused. The UI keys its help text on `details.reason`, so every distinct cause a
 * user can fix (re-download, convert, pick another file) gets its own value.
 */
export type LoraFileReason =
  | 'empty_file'
  | 'file_too_small'
  | 'is_directory'
  | 'not_a_file'
  | 'header_too_large'
  | 'header_length_beyond_file'
  | 'header_incomplete'
  | 'header_not_utf8'
  | 'header_not_json'
  | 'header_not_object'
  | 'metadata_not_strings'
  | 'tensor_entry_malformed'
  | 'unknown_dtype'
  | 'shape_bytes_mismatch'
  | 'overlapping_tensors'
  | 'span_outside_data'
  | 'data_truncated'
  | 'undecodable_dtype'
  | 'tensor_not_found'
  | 'module_problems';

export type UnsafeFormatReason = 'pickle' | 'torch_zip' | 'not_safetensors';

export type NotALoraReason = 'checkpoint' | 'textual_inversion' | 'no_lora_modules';

export type OutputReason = 'output_exists' | 'destination_is_source';

export interface LoraErrorDetails {
  readonly reason: string;
  readonly path?: string;
  readonly [key: string]: unknown;
}

function displayName(filePath: string | undefined): string {
  return filePath === undefined ? 'The file' : `“${path.basename(filePath)}”`;
}

export function invalidLoraFile(
  reason: LoraFileReason | LoraProblemKind,
  problem: string,
  filePath?: string,
  extra: Record<string, unknown> = {},
): AtelierError {
  return new AtelierError(
    'INVALID_LORA_FILE',
    `${displayName(filePath)} is not a readable LoRA: ${problem}. It is probably damaged or incompletely downloaded; download it again or re-export it as .safetensors.`,
    { reason, ...(filePath === undefined ? {} : { path: filePath }), ...extra } satisfies LoraErrorDetails,
  );
}

export function unsafeFileFormat(reason: UnsafeFormatReason, filePath?: string): AtelierError {
  return new AtelierError(
    'UNSAFE_FILE_FORMAT',
    `${displayName(filePath)} is a pickled PyTorch file (.ckpt/.pt/.pth/.bin). Loading a pickle can run any code hidden in it, so Atelier never opens one. Ask the author for a .safetensors version, or convert it yourself in a sandbox you trust.`,
    { reason, ...(filePath === undefined ? {} : { path: filePath }) } satisfies LoraErrorDetails,
  );
}

export function notALora(
  reason: NotALoraReason,
  filePath: string | undefined,
  extra: Record<string, unknown> = {},
): AtelierError {
  const what: Record<NotALoraReason, string> = {
    checkpoint: 'is a full model checkpoint, not a LoRA; put it in your checkpoints folder instead',
    textual_inversion:
      'is a textual-inversion embedding, not a LoRA; put it in your embeddings folder instead',
    no_lora_modules:
      'contains no LoRA weights Atelier recognizes; check that it is a LoRA for Stable Diffusion',
  };
  return new AtelierError('NOT_A_LORA', `${displayName(filePath)} ${what[reason]}.`, {
    reason,
    ...(filePath === undefined ? {} : { path: filePath }),
    ...extra,
  } satisfies LoraErrorDetails);
}

export function outputExists(reason: OutputReason, filePath: string): AtelierError {
  const message =
    reason === 'destination_is_source'
      ? `${displayName(filePath)} is the file being read; choose another name for the output.`
      : `${displayName(filePath)} already exists; choose another name or allow overwriting.`;
  return new AtelierError('OUTPUT_EXISTS', message, { reason, path: filePath } satisfies LoraErrorDetails);
}

function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns a Node file-system failure into a typed error; anything unexpected is rethrown untouched. */
export function fileSystemError(error: unknown, filePath: string, access: 'read' | 'write'): unknown {
  if (error instanceof AtelierError) return error;
  const errno = errnoOf(error);
  const name = displayName(filePath);
  switch (errno) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new AtelierError(
        'PATH_NOT_FOUND',
        access === 'read' ? `${name} does not exist.` : `The folder for ${name} does not exist.`,
        { reason: 'not_found', path: filePath },
      );
    case 'EISDIR':
      return invalidLoraFile('is_directory', 'it is a folder, not a file', filePath);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return access === 'read'
        ? new AtelierError('PATH_UNREADABLE', `${name} cannot be read: permission denied.`, {
            reason: 'permission_denied',
            path: filePath,
          })
        : new AtelierError(
            'PATH_NOT_WRITABLE',
            `${name} cannot be written: the folder is read-only or you lack permission. Choose another folder.`,
            { reason: errno === 'EROFS' ? 'read_only_file_system' : 'permission_denied', path: filePath },
          );
    case 'ENOSPC':
    case 'EDQUOT':
      return new AtelierError(
        'PATH_NOT_WRITABLE',
        `${name} cannot be written: the disk is full. Free some space and retry.`,
        {
          reason: 'disk_full',
          path: filePath,
        },
      );
    default:
      return error;
  }
}

/** The `details.reason` of a typed error, for tests and for hosts that branch on it. */
export function reasonOf(error: unknown): string | undefined {
  if (!(error instanceof AtelierError)) return undefined;
  const details = error.details;
  if (typeof details !== 'object' || details === null || !('reason' in details)) return undefined;
  const reason = details.reason;
  return typeof reason === 'string' ? reason : undefined;
}
