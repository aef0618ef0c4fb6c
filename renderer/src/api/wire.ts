import { AtelierError, WireError } from '../../../core/api';

/**
 * Reads an error envelope whatever shape the host sent; a malformed or unknown one still becomes an
 * AtelierError so callers never branch on two error types.
 */
export function errorFromEnvelope(body: unknown, fallbackMessage: string): AtelierError {
  const wire = WireError.safeParse(isObject(body) ? body.error : undefined);
  if (wire.success) return AtelierError.fromWire(wire.data);
  const message =
    isObject(body) && isObject(body.error) && typeof body.error.message === 'string'
      ? body.error.message
      : fallbackMessage;
  return new AtelierError('INTERNAL', message);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
