import { dialog } from 'electron';
import type { BrowserWindow, OpenDialogOptions } from 'electron';
import { AtelierError, hostMethods } from '../../core/api';
import type { HostMethodName, HostMethodOutput, HostMethods } from '../../core/api';
import type { z } from 'zod';

export interface HostContext {
  /** The window whose renderer asked; dialogs are modal to it. */
  readonly window: BrowserWindow | null;
}

type HostHandlers = {
  readonly [M in HostMethodName]: (
    input: z.output<HostMethods[M]['input']>,
    context: HostContext,
  ) => Promise<HostMethodOutput<M>>;
};

/** The answers main gives itself for `hostMethods`; the mapped type fails to compile when one is missing. */
export const hostHandlers: HostHandlers = {
  'dialog.pickFolder': async ({ title }, { window }) => {
    const options: OpenDialogOptions = {
      properties: ['openDirectory', 'createDirectory'],
      ...(title ? { title } : {}),
    };
    const picked = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options);
    return { path: picked.canceled ? null : (picked.filePaths[0] ?? null) };
  },
  'dialog.pickFile': async ({ title, extensions }, { window }) => {
    const options: OpenDialogOptions = {
      properties: ['openFile'],
      ...(title ? { title } : {}),
      ...(extensions ? { filters: [{ name: extensions.join(', '), extensions }] } : {}),
    };
    const picked = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options);
    return { path: picked.canceled ? null : (picked.filePaths[0] ?? null) };
  },
};

/** Validates a host call against the contract both ways, like the engine's dispatch does for its methods. */
export async function invokeHostMethod(
  method: HostMethodName,
  rawInput: unknown,
  context: HostContext,
): Promise<unknown> {
  const spec = hostMethods[method];
  const input = spec.input.safeParse(rawInput ?? {});
  if (!input.success) {
    throw new AtelierError('INVALID_INPUT', `Invalid input for ${method}.`, input.error.issues);
  }
  // The mapped type pairs each handler with its schema; indexing by a union name loses that pairing.
  const handler = hostHandlers[method] as (input: unknown, context: HostContext) => Promise<unknown>;
  const output = spec.output.safeParse(await handler(input.data, context));
  if (!output.success)
    throw new AtelierError('INTERNAL', `Atelier produced an invalid result for ${method}.`);
  return output.data;
}
