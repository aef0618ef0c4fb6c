import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { AtelierError } from '../../core/api';
import { mediaHandler, parseMediaUrl } from './media-protocol';

// media-protocol imports only types from 'electron', so no mock is needed.

describe('parseMediaUrl', () => {
  it('reads the kind from the host and the id from the path', () => {
    expect(parseMediaUrl('atelier-media://image/42')).toEqual({ ok: true, kind: 'image', id: 42 });
    expect(parseMediaUrl('atelier-media://image/42/')).toEqual({ ok: true, kind: 'image', id: 42 });
    expect(parseMediaUrl('atelier-media://thumbnail/7')).toEqual({ ok: true, kind: 'thumbnail', id: 7 });
    expect(parseMediaUrl('atelier-media://lora-preview/3')).toEqual({
      ok: true,
      kind: 'lora-preview',
      id: 3,
    });
  });

  it('answers 400 for kinds it does not serve', () => {
    expect(parseMediaUrl('atelier-media://lora/1')).toMatchObject({ ok: false, status: 400 });
    expect(parseMediaUrl('atelier-media:///1')).toMatchObject({ ok: false, status: 400 });
    expect(parseMediaUrl('https://image/1')).toMatchObject({ ok: false, status: 400 });
  });

  it('answers 404 for ids that cannot name an image, including smuggled paths', () => {
    for (const bad of [
      '0',
      '-1',
      '1.5',
      'abc',
      '01',
      '',
      '1/2',
      '..%2F..%2Fetc%2Fpasswd',
      '99999999999999999999',
      '%2Fetc%2Fpasswd',
    ]) {
      expect(parseMediaUrl(`atelier-media://image/${bad}`), bad).toMatchObject({ ok: false, status: 404 });
    }
  });
});

function setup(locate: (input: unknown) => unknown, file: Response | Error = new Response('PNGDATA')) {
  const engine = {
    invoke: vi.fn(
      (_method: string, input: unknown) => new Promise<unknown>((resolve) => resolve(locate(input))),
    ),
  };
  const fetchFile = vi.fn((_url: string | Request) =>
    file instanceof Error ? Promise.reject(file) : Promise.resolve(file),
  );
  return { engine, fetchFile, handle: mediaHandler({ engine, fetchFile }) };
}

describe('mediaHandler', () => {
  it('asks the engine for the path and serves the file with its mime type', async () => {
    const { engine, fetchFile, handle } = setup(() => ({ path: '/art/out/a b.png', mimeType: 'image/png' }));
    const response = await handle(new Request('atelier-media://image/7'));
    expect(engine.invoke).toHaveBeenCalledWith('media.locate', { kind: 'image', id: 7 });
    expect(fetchFile).toHaveBeenCalledWith(pathToFileURL('/art/out/a b.png').toString());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(await response.text()).toBe('PNGDATA');
  });

  it('answers 404 when the engine knows no such image', async () => {
    const { handle } = setup(() => {
      throw new AtelierError('NOT_FOUND', 'There is no image 9 on this computer.');
    });
    expect((await handle(new Request('atelier-media://image/9'))).status).toBe(404);
  });

  it('answers 404 when the file is gone from disk', async () => {
    const { handle } = setup(
      () => ({ path: '/gone.png', mimeType: 'image/png' }),
      new Error('ERR_FILE_NOT_FOUND'),
    );
    expect((await handle(new Request('atelier-media://image/3'))).status).toBe(404);
  });

  it('answers 400 for an unknown kind and never asks the engine', async () => {
    const { engine, handle } = setup(() => ({}));
    expect((await handle(new Request('atelier-media://video/3'))).status).toBe(400);
    expect((await handle(new Request('atelier-media://image/x'))).status).toBe(404);
    expect(engine.invoke).not.toHaveBeenCalled();
  });

  it('answers 500 when the engine fails for another reason', async () => {
    const { handle } = setup(() => {
      throw new AtelierError('INTERNAL', 'The engine has shut down.');
    });
    vi.spyOn(console, 'error').mockImplementationOnce(() => undefined);
    expect((await handle(new Request('atelier-media://image/3'))).status).toBe(500);
  });

  it('refuses writes', async () => {
    const { handle } = setup(() => ({}));
    expect((await handle(new Request('atelier-media://image/3', { method: 'POST', body: 'x' }))).status).toBe(
      405,
    );
  });
});
