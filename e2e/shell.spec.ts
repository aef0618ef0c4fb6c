import { expect, goTo, openApp, screenshotPath, test } from './fixtures';

const pages = [
  { name: 'library', label: 'Library', empty: 'Your LoRA collection will appear here' },
  { name: 'images-empty', label: 'Images', empty: 'No images yet' },
  { name: 'profile', label: 'Profile', empty: 'Your taste profile will appear here' },
  { name: 'feed', label: 'Feed', empty: 'Ranked images and LoRAs will appear here' },
  { name: 'editor', label: 'Editor', empty: 'Pick a LoRA to reshape' },
  { name: 'models', label: 'Models', empty: 'Models to download will be listed here' },
  { name: 'stats-empty', label: 'Stats', empty: 'No dataset loaded yet' },
  { name: 'settings', label: 'Settings', empty: 'No folders yet.' },
] as const;

test('opens on the Library and takes the token out of the address', async ({ page, server, pageErrors }) => {
  await openApp(page, server);
  await expect(page.getByRole('heading', { level: 1, name: 'Library' })).toBeVisible();
  expect(page.url()).not.toContain('token=');
  expect(page.url()).toMatch(/#\/library$/);

  await page.reload();
  await expect(page.getByText('Connected to local server')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Library' })).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('every page says what it will show and what to do first', async ({ page, server, pageErrors }) => {
  await openApp(page, server);
  for (const { name, label, empty } of pages) {
    await goTo(page, label);
    await expect(page.getByText(empty)).toBeVisible();
    if (name === 'settings') {
      await expect(
        page.getByRole('list', { name: 'Execution providers' }).getByRole('listitem').first(),
      ).toBeVisible();
    }
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  }
  expect(pageErrors).toEqual([]);
});

test('the Library points to Settings to add a first folder', async ({ page, server }) => {
  await openApp(page, server);
  await page.getByRole('link', { name: 'Add a folder in Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});

test('without the token the page explains how to get in', async ({ page, server }) => {
  await page.goto(`${server.origin}/`);
  await expect(page.getByRole('heading', { name: 'Open Atelier from its link' })).toBeVisible();
});
