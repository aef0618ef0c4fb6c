import { BrowserWindow, ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { AtelierError, isHostMethodName, isMethodName, toWireError } from '../../core/api';
import type { BridgeResult } from '../../core/api';
import type { Disposable } from '../../core/common';
import type { Engine } from '../../core/engine.types';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../common/channels';
import type { EventMessage } from '../common/channels';
import { invokeHostMethod } from './host-methods';

export interface IpcOptions {
  readonly engine: Pick<Engine, 'invoke' | 'onEvent'>;
  /** Whether a frame URL is one of Atelier's own pages (see app-url.ts). */
  readonly isAppUrl: (url: string) => boolean;
}

/**
 * The IPC loop over the contract: method names from `methods` go to the engine, names from
 * `hostMethods` are answered here, anything else is refused. Answers are BridgeResults because
 * Electron keeps only `message` of an error thrown across `invoke`.
 */
export function handleInvoke(
  options: IpcOptions,
): (event: IpcMainInvokeEvent, method: unknown, input: unknown) => Promise<BridgeResult> {
  return async (event, method, input) => {
    try {
      const frameUrl = event.senderFrame?.url;
      if (frameUrl === undefined || !options.isAppUrl(frameUrl)) {
        throw new AtelierError('UNAUTHORIZED', 'Only Atelier’s own pages may call the engine.');
      }
      if (typeof method !== 'string')
        throw new AtelierError('UNKNOWN_METHOD', 'A method name must be a string.');
      if (isMethodName(method)) {
        return { ok: true, value: await options.engine.invoke(method, input) };
      }
      if (isHostMethodName(method)) {
        const window = BrowserWindow.fromWebContents(event.sender);
        return { ok: true, value: await invokeHostMethod(method, input, { window }) };
      }
      throw new AtelierError('UNKNOWN_METHOD', `There is no method called ${method}.`);
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  };
}

/** Registers the invoke handler and forwards engine events to every window; dispose undoes both. */
export function registerIpc(options: IpcOptions): Disposable {
  ipcMain.handle(INVOKE_CHANNEL, handleInvoke(options));
  const subscription = options.engine.onEvent(({ event, payload }) => {
    const message: EventMessage = { event, payload };
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed() && !window.webContents.isDestroyed())
        window.webContents.send(EVENT_CHANNEL, message);
    }
  });
  return {
    dispose() {
      ipcMain.removeHandler(INVOKE_CHANNEL);
      subscription.dispose();
    },
  };
}
