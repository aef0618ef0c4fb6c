import { AtelierError, type AtelierBridge } from '../../../core/api';
import type { MediaKind, Transport } from './transport';
import { errorFromEnvelope } from './wire';

/** Electron: the preload's `window.atelier`. IPC never disconnects, so the connection is always open. */
export function createBridgeTransport(bridge: AtelierBridge): Transport {
  async function invoke(method: string, input: unknown): Promise<unknown> {
    let result;
    try {
      result = await bridge.invoke(method, input);
    } catch (error) {
      throw new AtelierError(
        'INTERNAL',
        `The desktop host failed on ${method}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (result.ok) return result.value;
    throw errorFromEnvelope(result, `The desktop host failed on ${method}.`);
  }

  return {
    invoke,
    subscribe: (event, listener) => bridge.subscribe(event, listener),
    onConnectionChange: (listener) => {
      listener('open');
      return () => {};
    },
    mediaUrl: (kind: MediaKind, id: number) => `atelier-media://${kind}/${id}`,
    dispose: () => {},
  };
}
