import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { makeFakeComfyUi } from './comfyui';
import { writeStyleLoras } from './editor.fixtures';
import { finishedJob, invoke } from './engine';
import { expect, goTo, openApp, screenshotPath, test } from './fixtures';
import { makeTempDir } from './server';

async function valueNow(locator: Locator): Promise<number> {
  return Number(await locator.getAttribute('aria-valuenow'));
}

async function learnDirection(page: Page, name: string, positive: string, negative: string) {
  const form = page.getByRole('form', { name: 'Learn a direction' });
  await form.getByRole('textbox', { name: 'Direction name' }).fill(name);
  await form.getByRole('textbox', { name: 'Positive tags' }).fill(positive);
  await form.getByRole('textbox', { name: 'Negative tags' }).fill(negative);
  await form.getByRole('button', { name: 'Learn direction' }).click();
  await expect(form.getByRole('status')).toContainText(`Learned ${name}`, { timeout: 30_000 });
}

test('the Editor builds a space, learns directions, moves a LoRA and exports it to ComfyUI', async ({
  page,
  server,
  pageErrors,
}) => {
  test.setTimeout(240_000);
  const disk = makeTempDir('editor');
  try {
    const folder = path.join(disk.path, 'loras');
    const loras = await writeStyleLoras(folder, 8);
    await invoke(server, 'folders.add', { path: folder, kind: 'loras' });
    await finishedJob(server, await invoke(server, 'library.scan', {}));

    await openApp(page, server);
    await goTo(page, 'Editor');

    // No space yet: the page says what a space is and offers the form.
    await expect(page.getByRole('region', { name: 'No weight spaces yet' })).toBeVisible();
    const build = page.getByRole('form', { name: 'Build a weight space' });
    await build.getByRole('radio', { name: /LoRAs with tags/ }).check();
    await build.getByRole('textbox', { name: 'Tags' }).fill('anime, realistic');
    await expect(build.getByRole('textbox', { name: 'Space name' })).toHaveValue('anime-realistic');
    await build.getByRole('textbox', { name: 'Space name' }).fill('styles');
    await page.screenshot({ path: screenshotPath('editor-empty'), fullPage: true });
    await build.getByRole('button', { name: 'Build space' }).click();

    // The job runs; when it is done the space is picked and its (empty) directions show.
    await expect(page.getByRole('combobox', { name: 'Space' })).toHaveValue('styles', { timeout: 90_000 });
    await expect(page.getByRole('list', { name: 'Space summary' })).toContainText('16 LoRAs');
    await expect(page.getByRole('region', { name: 'No directions yet' })).toBeVisible();

    await learnDirection(page, 'anime', 'anime', 'realistic');
    const directions = page.getByRole('table', { name: 'Directions of this space' });
    await expect(directions.getByRole('row', { name: /anime/ })).toContainText('Logistic regression');
    await expect(directions.getByRole('row', { name: /anime/ })).toContainText('8 anime');
    await expect(page.getByRole('region', { name: 'No LoRA picked' })).toBeVisible();

    // Pick a realistic LoRA: the anime classifier should start low and rise as the slider moves right.
    const target = loras.find((lora) => lora.style === 'realistic' && !lora.ink)!;
    await page.getByRole('searchbox', { name: 'Search LoRAs' }).fill('realistic');
    const matches = page.getByRole('list', { name: 'Matching LoRAs' });
    await expect(matches).toHaveAttribute('aria-busy', 'false');
    await expect(matches.getByRole('listitem')).toHaveCount(8);
    await expect(matches.getByRole('button', { name: /^Edit anime/ })).toHaveCount(0);
    await page.screenshot({ path: screenshotPath('editor-pick') });
    await page.getByRole('button', { name: `Edit ${target.stem}`, exact: true }).click();
    await expect(page.getByRole('region', { name: 'LoRA to edit' })).toContainText(target.path);

    const slider = page.getByRole('slider', { name: 'anime strength' });
    const strength = page.getByRole('status', { name: 'anime strength value' });
    const probability = page.getByRole('meter', { name: 'anime probability' });
    const readouts = page.getByRole('definition').and(page.locator('[data-readout="coefficient"]'));
    await expect(probability).toHaveAttribute('aria-valuenow', /\d/);
    const start = await valueNow(probability);
    const coefficientAtStart = await readouts.first().textContent();
    expect(start).toBeLessThan(50);

    await slider.focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
    await expect(strength).toHaveText('+1.00σ');
    await expect.poll(() => valueNow(probability)).toBeGreaterThan(start);
    await expect(readouts.first()).not.toHaveText(coefficientAtStart ?? '');
    await slider.fill('2.5');
    await expect(strength).toHaveText('+2.50σ');
    await expect.poll(() => valueNow(probability)).toBeGreaterThan(50);
    const high = await valueNow(probability);
    await expect(page.locator('[data-readout="distance"]')).not.toHaveText('—');
    await expect(page.locator('[data-readout="relative-distance"]')).toHaveText(/%$/);
    await expect(page.locator('[data-readout="compute-ms"]')).toHaveText(/ms|s$/);

    // Flip goes the other way; the plot shows the collection on anime and its first principal component.
    await page.getByRole('button', { name: 'Flip anime' }).click();
    await expect(strength).toHaveText('−2.50σ');
    await expect.poll(() => valueNow(probability)).toBeLessThan(high);
    const plot = page.getByRole('img', { name: 'The collection on anime and principal component 1' });
    await expect(plot).toHaveAttribute('data-points', '16');
    await page.getByRole('region', { name: 'Strengths' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('editor-one-direction') });

    // Raw units: the same position, in the direction's own units.
    await page.getByRole('switch', { name: 'Raw units' }).check();
    await expect(strength).not.toHaveText(/σ/);
    await page.getByRole('switch', { name: 'Raw units' }).uncheck();
    await expect(strength).toHaveText('−2.50σ');

    // A second direction: two sliders, and the plot traces the edited LoRA across both.
    await learnDirection(page, 'ink', 'ink', '@rest');
    const inkSlider = page.getByRole('slider', { name: 'ink strength' });
    await expect(inkSlider).toBeVisible();
    await page.getByRole('combobox', { name: 'Plot y axis' }).selectOption('ink');
    const plot2 = page.getByRole('img', { name: 'The collection on anime and ink' });
    await expect(plot2).toHaveAttribute('data-points', '16');
    await slider.fill('1.5');
    await inkSlider.focus();
    for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('status', { name: 'ink strength value' })).toHaveText('+1.50σ');
    await expect.poll(async () => Number(await plot2.getAttribute('data-path'))).toBeGreaterThan(2);
    await expect(plot2.locator('[data-edited]')).toHaveCount(1);
    await page.screenshot({ path: screenshotPath('editor-workspace'), fullPage: true });
    await page
      .getByRole('region', { name: 'Collection map' })
      .screenshot({ path: screenshotPath('editor-plot') });

    // No ComfyUI folder yet: the export says so and points to Settings.
    const exportButton = page.getByRole('button', { name: 'Export to ComfyUI' });
    await exportButton.click();
    const error = page.getByRole('alert').filter({ hasText: 'Nowhere to export to yet' });
    await expect(error).toContainText('NOT_FOUND');
    await expect(error).toContainText('ComfyUI');
    await expect(error.getByRole('link', { name: 'Open Settings' })).toBeVisible();

    const comfy = makeFakeComfyUi(disk.path);
    await invoke(server, 'folders.add', { path: comfy.root, kind: 'comfyui' });
    await exportButton.click();
    const toast = page.getByRole('status', { name: 'Exported' });
    await expect(toast).toContainText(`Exported ${target.stem}-w2w`, { timeout: 30_000 });
    const written = (await toast.locator('code').textContent()) ?? '';
    expect(written.startsWith(path.join(comfy.loraFolders[0]!, 'atelier'))).toBe(true);
    expect(existsSync(written)).toBe(true);
    await expect(toast.getByRole('button', { name: 'Copy path of the exported LoRA' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await page.screenshot({ path: screenshotPath('editor-export'), fullPage: false });

    // Reset brings every slider back to 0.
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(strength).toHaveText('0.00σ');
    await expect(page.getByRole('status', { name: 'ink strength value' })).toHaveText('0.00σ');
    expect(pageErrors).toEqual([]);
  } finally {
    disk.remove();
  }
});
