import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { generateSdxlLora } from '../core/lora';
import { expect, openApp, screenshotPath, test } from './fixtures';
import { makeTempDir } from './server';

async function openFromLibrary(page: Page, file: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Or open a single LoRA file' }).fill(file);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

function summary(page: Page) {
  return page.getByRole('list', { name: 'Summary' });
}

test('shows a LoRA with its spectra, then reduces it to rank 1 keeping only attn_v', async ({
  page,
  server,
  pageErrors,
}) => {
  const disk = makeTempDir('lora');
  try {
    const file = path.join(disk.path, 'ink-wash.safetensors');
    await generateSdxlLora(file, { rank: 4, scale: 16, seed: 7 });
    await openApp(page, server);
    await openFromLibrary(page, file);

    await expect(page.getByRole('heading', { level: 1, name: 'ink-wash.safetensors' })).toBeVisible();
    await expect(summary(page)).toContainText('SDXL');
    await expect(summary(page)).toContainText('986 modules');
    await expect(summary(page)).toContainText('rank 4');
    await expect(page.getByRole('table', { name: 'Modules by layer kind' })).toContainText('Cross-attention');
    await expect(page.getByRole('region', { name: 'Metadata' })).toContainText('watercolor painting');
    const hashes = page.getByLabel('Hashes');
    await expect(hashes).toContainText(/[0-9a-f]{64}/);

    const plot = page.getByRole('img', { name: 'Singular-value spectra by layer kind' });
    await expect(plot).toBeVisible({ timeout: 20_000 });
    await expect(plot.locator('[data-group]')).toHaveCount(5);
    for (const group of ['attn_v', 'attn', 'ff', 'proj', 'te'])
      await expect(plot.locator(`[data-group="${group}"] path`).last()).toHaveAttribute(
        'd',
        /^M[\d.,]+(L[\d.,]+){3}$/,
      );
    await expect(page.getByRole('table', { name: 'Layer groups' }).getByRole('row')).toHaveCount(6);

    // The path lives in the URL, so the view survives a reload.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'ink-wash.safetensors' })).toBeVisible();
    await expect(plot).toBeVisible({ timeout: 20_000 });
    await expect(hashes).toContainText(/[0-9a-f]{64}/);
    await page.screenshot({ path: screenshotPath('lora-detail'), fullPage: true });

    await page.getByRole('radio', { name: /Keep only/ }).check();
    await page.getByRole('combobox', { name: 'Layers to keep' }).selectOption('attn_v');
    await expect(page.getByRole('textbox', { name: 'File name' })).toHaveValue(
      'ink-wash-attn_v-rank1.safetensors',
    );
    await page.getByRole('button', { name: 'Reduce to rank 1' }).click();

    const result = page.getByRole('region', { name: 'New LoRA' });
    await expect(result.getByRole('heading', { name: 'ink-wash-attn_v-rank1.safetensors' })).toBeVisible({
      timeout: 30_000,
    });
    await expect(result).toContainText('140');
    expect(existsSync(path.join(disk.path, 'ink-wash-attn_v-rank1.safetensors'))).toBe(true);
    await page
      .getByRole('region', { name: 'Make a smaller LoRA' })
      .screenshot({ path: screenshotPath('lora-reduce-result') });

    await result.getByRole('button', { name: 'Open the new file' }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: 'ink-wash-attn_v-rank1.safetensors' }),
    ).toBeVisible();
    await expect(summary(page)).toContainText('140 modules');
    await expect(summary(page)).toContainText('rank 1');
    await expect(page.getByText('Every module is rank 1')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByLabel('Hashes')).toContainText(/[0-9a-f]{64}/);
    await page.screenshot({ path: screenshotPath('lora-reduced'), fullPage: true });

    // The same name again from the original: the engine refuses to overwrite, and the form says what to do.
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1, name: 'ink-wash.safetensors' })).toBeVisible();
    await page.getByRole('radio', { name: /Keep only/ }).check();
    await page.getByRole('combobox', { name: 'Layers to keep' }).selectOption('attn_v');
    await page.getByRole('button', { name: 'Reduce to rank 1' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'choose another name' })).toBeVisible({
      timeout: 30_000,
    });
    expect(pageErrors).toEqual([]);
  } finally {
    disk.remove();
  }
});

test('refuses a damaged file and a pickle with typed errors', async ({ page, server }) => {
  const disk = makeTempDir('lora-bad');
  try {
    const broken = path.join(disk.path, 'x.safetensors');
    // Ten arbitrary bytes: the first eight read as a header length far beyond the file.
    writeFileSync(broken, Buffer.from([0x3a, 0x91, 0x5c, 0x07, 0xe2, 0x44, 0x18, 0xbd, 0x6f, 0x02]));
    const pickle = path.join(disk.path, 'old-style.ckpt');
    writeFileSync(pickle, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]));

    await openApp(page, server);
    await openFromLibrary(page, broken);
    const error = page.getByRole('alert');
    await expect(error).toContainText('This file cannot be read as a LoRA');
    await expect(error).toContainText('INVALID_LORA_FILE');

    await page.getByRole('textbox', { name: 'LoRA file' }).fill(pickle);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'old-style.ckpt' })).toBeVisible();
    await expect(error).toContainText('Refused without unpickling');
    await expect(error).toContainText('UNSAFE_FILE_FORMAT');
    await page.screenshot({ path: screenshotPath('lora-refused'), fullPage: true });
  } finally {
    disk.remove();
  }
});
