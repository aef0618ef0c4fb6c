import { vi } from 'vitest';
import { Emitter } from '../../core/common';
import type { EngineEvent } from '../../core/engine.types';

/** An engine double for the IPC tests: records calls and answers with `answer`. */
export function fakeEngine(
  answer: (method: string, input: unknown) => unknown = (method) => ({ answeredBy: 'engine', method }),
) {
  const events = new Emitter<EngineEvent>();
  const invoke = vi.fn(
    (method: string, input: unknown) => new Promise<unknown>((resolve) => resolve(answer(method, input))),
  );
  return { invoke, onEvent: events.event, events };
}

/** The `event` argument Electron gives an `ipcMain.handle` callback, from a frame at `url`. */
export function invokeEvent(url: string | null) {
  return { senderFrame: url === null ? null : { url }, sender: { id: 1 } } as never;
}
