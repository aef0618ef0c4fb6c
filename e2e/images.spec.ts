import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { finishedJob, invoke } from './engine';
import { expect, goTo, openApp, screenshotPath, test } from './fixtures';
import { generateImageGemSample } from './imagegem';
import { sampleImages, writeA1111Png, writeSdxlLora } from './images.fixtures';
import { makeTempDir, type RunningServer } from './server';

function grid(page: Page) {
  return page.getByRole('list', { name: 'Images' });
}

function card(page: Page, prompt: RegExp) {
  return grid(page).getByRole('listitem', { name: prompt });
}

/** A dozen A1111 PNGs in an image folder and the LoRA most of them name in a LoRA folder, scanned. */
async function seedLocalImages(server: RunningServer, disk: string): Promise<void> {
  const images = path.join(disk, 'outputs');
  for (const image of sampleImages()) writeA1111Png(images, image);
  const loras = path.join(disk, 'loras');
  mkdirSync(loras, { recursive: true });
  writeSdxlLora(path.join(loras, 'Watercolor_Style_SDXL.safetensors'), { rank: 2, seed: 3 });
  await invoke(server, 'folders.add', { path: images, kind: 'images' });
  await invoke(server, 'folders.add', { path: loras, kind: 'loras' });
  await finishedJob(server, await invoke(server, 'library.scan', {}));
}

test('before any scan, Images says where images come from and offers a scan', async ({ page, server }) => {
  await openApp(page, server);
  await goTo(page, 'Images');
  const empty = page.getByRole('region', { name: 'No images yet' });
  await expect(empty).toContainText(
    'Images you generate appear here. Add your ComfyUI or A1111 output folder in Settings, then Scan.',
  );
  await expect(page.getByRole('searchbox', { name: 'Search prompts' })).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('images-empty') });

  await empty.getByRole('button', { name: 'Scan folders' }).click();
  await expect(page.getByRole('region', { name: 'Jobs' }).getByRole('article').first()).toBeVisible();
  await expect(empty).toBeVisible();
});

test('shows scanned images, reacts, searches and opens one in detail', async ({
  page,
  server,
  pageErrors,
}) => {
  const disk = makeTempDir('images');
  try {
    await seedLocalImages(server, disk.path);
    await openApp(page, server);
    await goTo(page, 'Images');

    await expect(grid(page).getByRole('listitem')).toHaveCount(12);
    await expect(page.getByText('12 images', { exact: true })).toBeVisible();
    const fox = card(page, /^a red fox asleep in fresh snow/);
    const thumbnail = fox.getByRole('img');
    await expect
      .poll(() => thumbnail.evaluate((img) => (img as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    // The LoRA named in the prompt matched the file in the LoRA folder, so its chip links to the Library.
    await expect(fox.getByRole('link', { name: /Watercolor_Style_SDXL/ })).toHaveAttribute(
      'href',
      /^#\/library\?lora=\d+$/,
    );
    await expect
      .poll(() => page.locator('[role="listitem"] img').evaluateAll((imgs) => imgs.length))
      .toBeGreaterThanOrEqual(12);
    await page.screenshot({ path: screenshotPath('images') });

    // A reaction shows at once, is stored, and is still there after a reload.
    const heart = fox.getByRole('button', { name: 'Heart' });
    await expect(heart).toHaveAttribute('aria-pressed', 'false');
    await heart.click();
    await expect(heart).toHaveAttribute('aria-pressed', 'true');
    await expect
      .poll(async () => {
        const { items } = await invoke(server, 'images.list', { reaction: 'heart' });
        return items.map((item) => item.prompt?.slice(0, 17));
      })
      .toEqual(['a red fox asleep ']);
    await page.reload();
    await expect(card(page, /^a red fox asleep/).getByRole('button', { name: 'Heart' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    await page.getByRole('combobox', { name: 'Reaction' }).selectOption({ label: 'Hearted by me' });
    await expect(grid(page).getByRole('listitem')).toHaveCount(1);
    await page.getByRole('combobox', { name: 'Reaction' }).selectOption({ label: 'Any reaction' });
    await expect(grid(page).getByRole('listitem')).toHaveCount(12);

    // Search runs over prompts once typing pauses, and lives in the URL.
    await page.getByRole('searchbox', { name: 'Search prompts' }).fill('lighthouse');
    await expect(grid(page).getByRole('listitem')).toHaveCount(1);
    await expect(page).toHaveURL(/q=lighthouse/);
    await expect(card(page, /^lighthouse on a cliff/)).toBeVisible();

    await card(page, /^lighthouse on a cliff/)
      .getByRole('button', { name: /^Open details/ })
      .click();
    const detail = page.getByRole('dialog', { name: 'Image details' });
    await expect(detail).toBeVisible();
    await expect(detail.getByRole('region', { name: 'Prompt', exact: true })).toContainText(
      'lighthouse on a cliff at dusk, stormy sea',
    );
    await expect(detail.getByRole('region', { name: 'Negative prompt' })).toContainText('lowres, blurry');
    const parameters = detail.getByRole('region', { name: 'Parameters' });
    await expect(parameters).toContainText('1001');
    await expect(parameters).toContainText('Euler a');
    await expect(parameters).toContainText('29');
    await expect(parameters).toContainText('208 × 260');
    const loras = detail.getByRole('region', { name: '2 LoRAs' });
    await expect(loras).toContainText('Film_Grain_XL');
    await expect(loras.getByRole('link', { name: /Watercolor_Style_SDXL/ })).toBeVisible();
    await expect(loras).toContainText('Matched by');
    const large = detail.getByRole('img');
    await expect
      .poll(() => large.evaluate((img) => (img as { naturalWidth: number }).naturalWidth))
      .toBe(208);
    await page.screenshot({ path: screenshotPath('image-detail') });

    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);
    await page.getByRole('searchbox', { name: 'Search prompts' }).fill('');
    await expect(grid(page).getByRole('listitem')).toHaveCount(12);
    await page.getByRole('radio', { name: 'ImageGem' }).click();
    await expect(page.getByRole('region', { name: 'No images match' })).toBeVisible();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(grid(page).getByRole('listitem')).toHaveCount(12);
    expect(pageErrors).toEqual([]);
  } finally {
    disk.remove();
  }
});

test('shows ImageGem images by their prompts and never fetches their remote URLs', async ({
  page,
  server,
  pageErrors,
}) => {
  const disk = makeTempDir('imagegem');
  try {
    const sample = generateImageGemSample(disk.path, { images: 600, models: 80, users: 60 });
    await finishedJob(
      server,
      await invoke(server, 'import.imagegem', { images: sample.imagesPath, models: sample.modelsPath }),
    );
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.origin) && !request.url().startsWith('data:'))
        elsewhere.push(request.url());
    });
    await openApp(page, server);
    await goTo(page, 'Images');
    await page.getByRole('radio', { name: 'ImageGem' }).click();
    await expect(page).toHaveURL(/source=imagegem/);
    await expect(page.getByText(`${sample.expected.images.toLocaleString('en')} images`)).toBeVisible();

    const first = grid(page).getByRole('listitem').first();
    await expect(first).toBeVisible();
    await expect(first.getByRole('img')).toHaveCount(0);
    await expect(first.getByText('ImageGem', { exact: true })).toBeVisible();
    // Dataset totals sit beside the artist's own (still off) reactions.
    await expect(first.getByRole('button', { name: 'Heart' })).toHaveAttribute('aria-pressed', 'false');
    await expect(first.getByRole('button', { name: 'Heart' })).toHaveAttribute(
      'title',
      /^Heart · [\d,]+ on Civitai$/,
    );

    // Scrolling loads further pages of the list.
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, 2500);
    await expect
      .poll(() => grid(page).getByRole('listitem').last().getAttribute('aria-label'))
      .not.toBe(await first.getAttribute('aria-label'));
    await page.mouse.wheel(0, -100_000);
    await page.screenshot({ path: screenshotPath('images-imagegem') });

    await first.getByRole('button', { name: /^Open details/ }).click();
    const detail = page.getByRole('dialog', { name: 'Image details' });
    await expect(detail).toContainText('ImageGem dataset');
    await expect(detail).toContainText('not on this computer');
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
  } finally {
    disk.remove();
  }
});
