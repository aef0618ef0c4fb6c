import { z } from 'zod';

/**
 * Every error a user can cause crosses the contract as one of these codes, with a message that says
 * what to do. Hosts map codes to their own vocabulary (HTTP status, exit code) — see `httpStatusOf`.
 */
export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PATH_NOT_FOUND',
  'NOT_A_DIRECTORY',
  'PATH_UNREADABLE',
  'DATABASE_TOO_NEW',
  'DATABASE_CORRUPT',
  'JOB_NOT_CANCELLABLE',
  'CANCELLED',
  'INVALID_LORA_FILE',
  'UNSAFE_FILE_FORMAT',
  'NOT_A_LORA',
  'OUTPUT_EXISTS',
  'PATH_NOT_WRITABLE',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const WireError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Structured detail for the UI, e.g. zod issues for INVALID_INPUT. Never a stack trace. */
  details: z.unknown().optional(),
});
export type WireError = z.infer<typeof WireError>;

export class AtelierError extends Error {
  override readonly name = 'AtelierError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toWire(): WireError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromWire(wire: WireError): AtelierError {
    return new AtelierError(wire.code, wire.message, wire.details);
  }
}

export function isAtelierError(error: unknown): error is AtelierError {
  return error instanceof AtelierError;
}

/** Turns anything thrown into a wire error; unknown failures lose their stack and keep a plain message. */
export function toWireError(error: unknown): WireError {
  if (error instanceof AtelierError) return error.toWire();
  if (error instanceof z.ZodError) {
    return { code: 'INVALID_INPUT', message: z.prettifyError(error), details: error.issues };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected failure: ${message}` };
}

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'PATH_NOT_FOUND':
    case 'NOT_A_DIRECTORY':
    case 'PATH_UNREADABLE':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'NOT_FOUND':
    case 'UNKNOWN_METHOD':
      return 404;
    case 'PATH_NOT_WRITABLE':
      return 403;
    case 'ALREADY_EXISTS':
    case 'OUTPUT_EXISTS':
    case 'JOB_NOT_CANCELLABLE':
    case 'CANCELLED':
      return 409;
    case 'INVALID_LORA_FILE':
    case 'UNSAFE_FILE_FORMAT':
    case 'NOT_A_LORA':
      return 422;
    case 'DATABASE_TOO_NEW':
    case 'DATABASE_CORRUPT':
    case 'INTERNAL':
      return 500;
  }
}
