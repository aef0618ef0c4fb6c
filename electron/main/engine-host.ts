import { toWireError } from '../../core/api';
import type { BridgeResult, WireError } from '../../core/api';
import type { Engine } from '../../core/engine.types';
import { isToEngineMessage } from './engine-protocol';
import type { FromEngineMessage } from './engine-protocol';

/** The slice of Electron's `process.parentPort` the engine process uses; tests pass a fake. */
export interface ParentPortLike {
  on(event: 'message', listener: (message: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/**
 * Answers main's messages with an engine. If the engine cannot start (a database from a newer
 * Atelier, a corrupt file), the process stays up and answers every call with that error, so the
 * window can show it instead of main restarting a process that will fail the same way again.
 */
export function serveEngine(port: ParentPortLike, create: () => Engine, exit: (code: number) => void): void {
  let engine: Engine | undefined;
  let startupError: WireError | undefined;
  try {
    engine = create();
  } catch (error) {
    const wire = toWireError(error);
    // Typed errors already say what to do; anything else gets told apart from a failed call.
    startupError =
      wire.code === 'INTERNAL'
        ? { ...wire, message: `Atelier's engine could not start. ${wire.message}` }
        : wire;
    console.error('[engine] could not start:', startupError.message);
  }

  const post = (message: FromEngineMessage): void => {
    try {
      port.postMessage(message);
    } catch (error) {
      // A value that structured clone rejects must still settle the caller's promise.
      if (message.type === 'result') {
        port.postMessage({
          type: 'result',
          id: message.id,
          result: { ok: false, error: toWireError(error) },
        });
      } else {
        console.error(`[engine] could not forward event ${message.event}:`, error);
      }
    }
  };

  const subscription = engine?.onEvent(({ event, payload }) => post({ type: 'event', event, payload }));

  const answer = async (id: number, method: string, input: unknown): Promise<void> => {
    let result: BridgeResult;
    if (engine === undefined) {
      result = {
        ok: false,
        error: startupError ?? { code: 'INTERNAL', message: 'The engine is not running.' },
      };
    } else {
      try {
        result = { ok: true, value: await engine.invoke(method, input) };
      } catch (error) {
        result = { ok: false, error: toWireError(error) };
      }
    }
    post({ type: 'result', id, result });
  };

  port.on('message', ({ data }) => {
    if (!isToEngineMessage(data)) {
      console.warn('[engine] ignored a malformed message from main');
      return;
    }
    switch (data.type) {
      case 'invoke':
        void answer(data.id, data.method, data.input);
        return;
      case 'dispose':
        try {
          subscription?.dispose();
          engine?.dispose();
        } catch (error) {
          console.error('[engine] dispose failed:', error);
        }
        engine = undefined;
        exit(0);
        return;
    }
  });
}
