import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { finishedJob, invoke } from './engine';
import { expect, goTo, openApp, screenshotPath, test } from './fixtures';
import { writeA1111Png } from './images.fixtures';
import { writeCivitaiInfo, writeTinyLoras } from './library.fixtures';
import { makeTempDir } from './server';

function grid(page: Page) {
  return page.getByRole('list', { name: 'LoRAs' });
}

function card(page: Page, name: string) {
  return grid(page).getByRole('listitem', { name, exact: true });
}

const STEMS = [
  'Watercolor_Style_SDXL',
  'ink_wash_landscapes',
  'Neon_Noir_City',
  'soft_pastel_portraits',
  'retro_film_grain',
  'paper_cutout_art',
];

test('the Library lists scanned LoRAs, searches, filters by tag and opens one', async ({
  page,
  server,
  pageErrors,
}) => {
  const disk = makeTempDir('library');
  try {
    const folder = path.join(disk.path, 'loras');
    writeTinyLoras(
      folder,
      STEMS.map((stem, i) => ({ stem, seed: i + 1 })),
    );
    writeCivitaiInfo(folder, 'Watercolor_Style_SDXL', {
      model: 'Watercolor Dreams',
      version: 'v2.0',
      baseModel: 'SDXL 1.0',
      tags: ['watercolor', 'style', 'painting'],
      trainedWords: ['wtrclr style', 'soft edges'],
      description: '<p>Loose <b>watercolor</b> washes.</p><p>Use at 0.8.</p>',
    });
    writeA1111Png(folder, {
      file: 'Watercolor_Style_SDXL.png',
      prompt: 'preview',
      negative: '',
      seed: 1,
      steps: 20,
      sampler: 'Euler a',
      cfg: 7,
      width: 160,
      height: 200,
      hue: 200,
    });

    // The same weights under a second name, and a file that is not a LoRA at all.
    copyFileSync(
      path.join(folder, 'retro_film_grain.safetensors'),
      path.join(folder, 'retro_film_grain (1).safetensors'),
    );
    writeFileSync(path.join(folder, 'broken_download.safetensors'), 'not a safetensors file');
    const files = STEMS.length + 2;

    // Before a scan: the folder is there, the page offers the scan.
    await invoke(server, 'folders.add', { path: folder, kind: 'loras' });
    await openApp(page, server);
    await goTo(page, 'Library');
    const empty = page.getByRole('region', { name: 'Scan your folders to build the library' });
    await expect(empty).toBeVisible();
    await empty.getByRole('button', { name: 'Scan folders' }).click();

    // The scan runs as a job; when it is done the grid refreshes by itself.
    await expect(grid(page).getByRole('listitem')).toHaveCount(files, { timeout: 30_000 });
    await expect(page.getByText(`${files} LoRAs`, { exact: true })).toBeVisible();
    await expect(card(page, 'broken_download')).toContainText('Error');
    // Hashing runs after the scan as its own job; when it is done, duplicates are badged.
    const copies = grid(page).getByRole('listitem', { name: 'retro_film_grain', exact: true });
    await expect(copies).toHaveCount(2);
    await expect(copies.first()).toContainText('×2', { timeout: 30_000 });
    await expect(copies.last()).toContainText('×2');
    const watercolor = card(page, 'Watercolor Dreams');
    await expect(watercolor).toContainText('SDXL');
    await expect(watercolor).toContainText('watercolor');
    const preview = watercolor.locator('img');
    await expect
      .poll(() => preview.evaluate((img) => (img as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    // Files without a preview get a generated placeholder, not a broken image.
    await expect(card(page, 'ink_wash_landscapes').locator('img')).toHaveCount(0);
    await expect(card(page, 'ink_wash_landscapes')).toContainText('IW');
    await page.screenshot({ path: screenshotPath('library-grid') });

    // Search (debounced) narrows the grid and lands in the URL.
    await page.getByRole('searchbox', { name: 'Search LoRAs' }).fill('neon');
    await expect(grid(page).getByRole('listitem')).toHaveCount(1);
    await expect(card(page, 'Neon_Noir_City')).toBeVisible();
    await expect(page).toHaveURL(/q=neon/);
    await page.getByRole('searchbox', { name: 'Search LoRAs' }).fill('nothing-like-this');
    await expect(page.getByRole('region', { name: 'No LoRAs match' })).toBeVisible();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(grid(page).getByRole('listitem')).toHaveCount(files);
    await expect(page.getByRole('searchbox', { name: 'Search LoRAs' })).toHaveValue('');

    // The base-model filter offers what the library has (every readable file here is SDXL).
    const base = page.getByRole('combobox', { name: 'Base model' });
    await expect(base.getByRole('option')).toHaveText(['Any base model', `SDXL (${files - 1})`]);
    await base.selectOption('sdxl');
    await expect(grid(page).getByRole('listitem')).toHaveCount(files - 1);
    await expect(page).toHaveURL(/base=sdxl/);
    await page.screenshot({ path: screenshotPath('library-base-filter') });
    await base.selectOption('');
    await expect(grid(page).getByRole('listitem')).toHaveCount(files);

    // Duplicates only.
    await page.getByRole('button', { name: 'Duplicates only' }).click();
    await expect(grid(page).getByRole('listitem')).toHaveCount(2);
    await expect(page).toHaveURL(/dup=true/);
    await page.getByRole('button', { name: 'Duplicates only' }).click();
    await expect(grid(page).getByRole('listitem')).toHaveCount(files);

    // Tag filter, kept across a reload.
    await page.getByRole('textbox', { name: 'Tag' }).fill('painting');
    await expect(grid(page).getByRole('listitem')).toHaveCount(1);
    await page.reload();
    await expect(grid(page).getByRole('listitem')).toHaveCount(1);
    await expect(page.getByRole('textbox', { name: 'Tag' })).toHaveValue('painting');

    // The panel: names, base model, hashes, trained words, sidecar, description.
    await card(page, 'Watercolor Dreams').getByRole('button').click();
    const panel = page.getByRole('dialog', { name: 'Watercolor Dreams' });
    await expect(panel).toBeVisible();
    await expect(page).toHaveURL(/lora=\d+/);
    await expect(panel).toContainText('v2.0');
    await expect(panel).toContainText('wtrclr style');
    await expect(panel).toContainText('Watercolor_Style_SDXL.civitai.info');
    await expect(panel).toContainText('Loose watercolor washes.');
    await expect(panel).toContainText(path.join(folder, 'Watercolor_Style_SDXL.safetensors'));
    await expect(panel.getByRole('button', { name: 'Copy trained words' })).toBeVisible();
    // Hashing runs after the scan; the panel shows the hashes once they are known.
    await expect
      .poll(
        async () => (await invoke(server, 'loras.list', { query: 'watercolor' })).items[0]?.autoV2 ?? null,
      )
      .not.toBeNull();
    await page.reload();
    await expect(panel.getByText(/^[0-9A-F]{10}$/i).first()).toBeVisible();
    await page.screenshot({ path: screenshotPath('library-panel') });

    // Inspect & reduce opens the existing LoRA view on this file.
    await panel.getByRole('link', { name: 'Inspect & reduce…' }).click();
    await expect(page).toHaveURL(/#\/library\/lora\?path=/);
    await page.goBack();
    await expect(page.getByRole('dialog', { name: 'Watercolor Dreams' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    expect(pageErrors).toEqual([]);
  } finally {
    disk.remove();
  }
});

test('with no folders, the Library points to Settings and to opening one file', async ({ page, server }) => {
  await openApp(page, server);
  await goTo(page, 'Library');
  const empty = page.getByRole('region', { name: 'Your LoRA collection will appear here' });
  await expect(empty.getByRole('link', { name: 'Add a folder in Settings' })).toBeVisible();
  await expect(empty).toContainText('Or open a single LoRA file');
});

test('a scan finishing elsewhere refreshes an open Library', async ({ page, server }) => {
  const disk = makeTempDir('library-refresh');
  try {
    const folder = path.join(disk.path, 'loras');
    writeTinyLoras(folder, [{ stem: 'late_arrival', seed: 9 }]);
    await invoke(server, 'folders.add', { path: folder, kind: 'loras' });
    await openApp(page, server);
    await goTo(page, 'Library');
    await expect(page.getByRole('region', { name: 'Scan your folders to build the library' })).toBeVisible();
    await finishedJob(server, await invoke(server, 'library.scan', {}));
    await expect(card(page, 'late_arrival')).toBeVisible();
  } finally {
    disk.remove();
  }
});
