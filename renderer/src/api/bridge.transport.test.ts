import { describe, expect, it } from 'vitest';
import { AtelierError, type AtelierBridge } from '../../../core/api';
import { createBridgeTransport } from './bridge.transport';

function bridge(result: Awaited<ReturnType<AtelierBridge['invoke']>> | Error): AtelierBridge {
  return {
    invoke: () => (result instanceof Error ? Promise.reject(result) : Promise.resolve(result)),
    subscribe: () => () => {},
  };
}

describe('createBridgeTransport', () => {
  it('unwraps a success value', async () => {
    await expect(createBridgeTransport(bridge({ ok: true, value: 3 })).invoke('m', {})).resolves.toBe(3);
  });

  it('turns an error value into an AtelierError', async () => {
    const transport = createBridgeTransport(
      bridge({ ok: false, error: { code: 'ALREADY_EXISTS', message: 'Already added.' } }),
    );
    await expect(transport.invoke('folders.add', {})).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: 'Already added.',
    });
  });

  it('turns a rejected IPC call into an AtelierError', async () => {
    const error = await createBridgeTransport(bridge(new Error('channel closed')))
      .invoke('m', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtelierError);
  });

  it('serves media from the custom protocol', () => {
    expect(createBridgeTransport(bridge({ ok: true, value: null })).mediaUrl('image', 5)).toBe(
      'atelier-media://image/5',
    );
  });
});
