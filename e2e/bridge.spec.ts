import { makeFakeComfyUi } from './comfyui';
import { expect, goTo, test } from './fixtures';
import { makeTempDir } from './server';

/**
 * Electron cannot run here, so this stands a `window.atelier` bridge (the preload's shape) in front of
 * the serve-mode API. It drives the renderer's Electron path: host methods, no token, no reconnect banner.
 */
test('in the desktop host, "Choose folder…" uses the native picker', async ({ page, server, pageErrors }) => {
  const disk = makeTempDir('disk');
  try {
    const comfy = makeFakeComfyUi(disk.path);
    await page.addInitScript(
      ({ origin, token, picked }) => {
        const bridge = {
          async invoke(method: string, input: unknown) {
            if (method === 'dialog.pickFolder') return { ok: true, value: { path: picked } };
            const response = await fetch(`${origin}/api/invoke/${method}`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
              body: JSON.stringify(input),
            });
            return await response.json();
          },
          subscribe(event: string, listener: (payload: unknown) => void) {
            const socket = new WebSocket(`${origin.replace('http', 'ws')}/api/events?token=${token}`);
            socket.onmessage = (message) => {
              const data = JSON.parse(String(message.data)) as { event: string; payload: unknown };
              if (data.event === event) listener(data.payload);
            };
            return () => socket.close();
          },
        };
        Object.assign(globalThis, { atelier: bridge });
      },
      { origin: server.origin, token: server.token, picked: comfy.root },
    );

    await page.goto(`${server.origin}/`);
    await goTo(page, 'Settings');
    await expect(page.getByText('Connected to local server')).toHaveCount(0);

    await page.getByRole('button', { name: 'Choose folder…' }).click();
    await expect(page.getByLabel('Add a folder')).toHaveValue(comfy.root);
    await expect(page.getByText(/^ComfyUI install detected/)).toBeVisible();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('listitem', { name: comfy.root })).toBeVisible();
    expect(pageErrors).toEqual([]);
  } finally {
    disk.remove();
  }
});
