import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { makeFakeComfyUi } from './comfyui';
import { expect, goTo, openApp, screenshotPath, test } from './fixtures';
import { makeTempDir, startServer } from './server';

function folderField(page: Page) {
  return page.getByLabel('Add a folder');
}

test('adds a ComfyUI install with its LoRA folders, refuses a missing path, and remembers after a restart', async ({
  page,
  dataDir,
  pageErrors,
}) => {
  const disk = makeTempDir('disk');
  const comfy = makeFakeComfyUi(disk.path);
  let server = await startServer(dataDir);
  try {
    await openApp(page, server);
    await goTo(page, 'Settings');

    await folderField(page).fill(comfy.root);
    await expect(page.getByText('ComfyUI install detected — 4 LoRA folders (1 warning)')).toBeVisible();
    await expect(page.getByRole('radio', { name: 'ComfyUI install' })).toBeChecked();
    await page.getByRole('button', { name: 'Add', exact: true }).click();

    const installs = page.getByRole('region', { name: 'ComfyUI installs' });
    await expect(installs.getByText(comfy.root, { exact: true })).toBeVisible();
    for (const folder of comfy.loraFolders)
      await expect(installs.getByText(folder, { exact: true })).toBeVisible();
    await expect(installs.getByText(`does not exist: ${comfy.missingFolder}`)).toBeVisible();
    await expect(folderField(page)).toHaveValue('');

    const missing = path.join(disk.path, 'no-such-folder');
    await folderField(page).fill(missing);
    await expect(page.getByText(/^Does not exist/)).toBeVisible();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'PATH_NOT_FOUND' })).toBeVisible();
    await expect(page.getByRole('listitem', { name: missing })).toHaveCount(0);
    await expect(page.getByRole('listitem', { name: comfy.root })).toHaveCount(1);
    await page.screenshot({ path: screenshotPath('settings-folders'), fullPage: true });

    await server.stop();
    await expect(page.getByText('Reconnecting to local server…')).toBeVisible();
    server = await startServer(dataDir);
    await openApp(page, server);
    await goTo(page, 'Settings');
    await expect(page.getByRole('listitem', { name: comfy.root })).toBeVisible();
    await expect(
      page
        .getByRole('region', { name: 'ComfyUI installs' })
        .getByText(comfy.loraFolders[1]!, { exact: true }),
    ).toBeVisible();
    expect(pageErrors.filter((error) => !isExpectedWhileServerDown(error))).toEqual([]);
    pageErrors.length = 0;
  } finally {
    await server.stop();
    disk.remove();
  }
});

test('removes a folder without touching it on disk', async ({ page, server }) => {
  const disk = makeTempDir('disk');
  try {
    await openApp(page, server);
    await goTo(page, 'Settings');
    await folderField(page).fill(disk.path);
    await expect(page.getByRole('radio', { name: 'LoRA folder' })).toBeChecked();
    await page.getByRole('radio', { name: 'Image folder' }).check();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(
      page.getByRole('region', { name: 'Image folders' }).getByText(disk.path, { exact: true }),
    ).toBeVisible();

    await page.getByRole('button', { name: `Remove ${disk.path}` }).click();
    await expect(page.getByText('No folders yet.')).toBeVisible();
    expect(existsSync(disk.path)).toBe(true);
  } finally {
    disk.remove();
  }
});

test('shows a typed error when a folder is added twice', async ({ page, server }) => {
  const disk = makeTempDir('disk');
  try {
    await openApp(page, server);
    await goTo(page, 'Settings');
    for (let i = 0; i < 2; i++) {
      await folderField(page).fill(disk.path);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
    }
    await expect(page.getByRole('alert').filter({ hasText: 'ALREADY_EXISTS' })).toBeVisible();
  } finally {
    disk.remove();
  }
});

/** While the server is down the browser logs failed WebSocket handshakes; those are the point of that step. */
function isExpectedWhileServerDown(error: string): boolean {
  return /WebSocket|ERR_CONNECTION_REFUSED/.test(error);
}
