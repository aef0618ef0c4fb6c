import { z } from 'zod';
import { AtelierError, isMethodName, methods } from './api';
import type { MethodName, MethodOutput, MethodParsedInput } from './api';

/** One handler per contract method; a missing one is a compile error here and a parity-test failure. */
export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

/**
 * Validates a call against the contract both ways. Input errors become INVALID_INPUT with zod's issues;
 * an output that breaks its schema is an engine bug and surfaces as INTERNAL, never as bad data.
 */
export async function dispatch(handlers: Handlers, method: string, rawInput: unknown): Promise<unknown> {
  if (!isMethodName(method)) {
    throw new AtelierError('UNKNOWN_METHOD', `Atelier has no method "${method}".`);
  }
  const spec = methods[method];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    throw new AtelierError(
      'INVALID_INPUT',
      `Invalid input for ${method}: ${z.prettifyError(parsed.error)}`,
      parsed.error.issues,
    );
  }
  const handler = handlers[method] as (input: unknown) => unknown;
  const output = await handler(parsed.data);
  const checked = spec.output.safeParse(output);
  if (!checked.success) {
    throw new AtelierError(
      'INTERNAL',
      `The engine produced an invalid result for ${method}: ${z.prettifyError(checked.error)}`,
    );
  }
  return checked.data;
}
