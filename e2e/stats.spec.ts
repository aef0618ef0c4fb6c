import { expect, goTo, openApp, screenshotPath, test } from './fixtures';
import { generateImageGemSample } from './imagegem';
import { makeTempDir } from './server';

test('with nothing loaded, Stats explains itself and how to import the dataset', async ({
  page,
  server,
  pageErrors,
}) => {
  await openApp(page, server);
  await goTo(page, 'Stats');
  const empty = page.getByRole('region', { name: 'No dataset loaded' });
  await expect(empty).toContainText('appendix figures');
  await expect(empty.getByText('npx atelier import imagegem --images <file> --models <file>')).toBeVisible();
  const form = empty.getByRole('form', { name: 'Import ImageGem tables' });
  await expect(form.getByRole('textbox', { name: 'Images table' })).toBeVisible();
  await expect(form.getByRole('textbox', { name: 'Models table' })).toBeVisible();
  await expect(form.getByRole('button', { name: 'Import' })).toBeDisabled();
  await page.screenshot({ path: screenshotPath('stats-empty') });
  expect(pageErrors).toEqual([]);
});

test('imports an ImageGem sample from the form and draws the appendix figures', async ({
  page,
  server,
  pageErrors,
}) => {
  const disk = makeTempDir('imagegem');
  try {
    const sample = generateImageGemSample(disk.path, { images: 3000, models: 400, users: 300 });
    await openApp(page, server);
    await goTo(page, 'Stats');
    const form = page.getByRole('form', { name: 'Import ImageGem tables' });
    await form.getByRole('textbox', { name: 'Images table' }).fill(sample.imagesPath);
    await form.getByRole('textbox', { name: 'Models table' }).fill(sample.modelsPath);
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('region', { name: 'Jobs' }).getByRole('article').first()).toBeVisible();

    // The figures replace the empty state when the import job is done.
    const totals = page.getByRole('definition');
    await expect(page.getByLabel('Totals')).toBeVisible({ timeout: 45_000 });
    await expect(totals.nth(1)).toHaveText(sample.expected.images.toLocaleString('en'));
    // Models count either model pages or their versions, depending on what the engine calls a model.
    await expect(totals.nth(2)).toHaveText(
      new RegExp(
        `^(${sample.expected.models.toLocaleString('en')}|${sample.expected.versions.toLocaleString('en')})$`,
      ),
    );

    const reactions = page.getByRole('figure', { name: 'Reactions per image' });
    await expect(reactions).toContainText('Fig. 7');
    for (const kind of ['Heart', 'Like', 'Laugh', 'Cry'])
      await expect(reactions.getByRole('region', { name: `${kind} reactions` })).toBeVisible();
    await expect.poll(() => reactions.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(8);

    for (const name of ['Top users by images', 'Top users by models']) {
      const figure = page.getByRole('figure', { name });
      await expect(figure.locator('.recharts-bar-rectangle')).toHaveCount(30);
      await expect(figure).toContainText('names hidden');
    }
    const prompts = page.getByRole('figure', { name: 'Very long prompts' });
    await expect(prompts).toContainText(`${sample.expected.longPrompts.toLocaleString('en')} prompts longer`);
    await expect(prompts.locator('.recharts-line-curve')).toHaveAttribute('d', /^M[\d.,]+(L|H|V)/);

    await page.screenshot({ path: screenshotPath('stats'), fullPage: true });
    expect(pageErrors).toEqual([]);
  } finally {
    disk.remove();
  }
});
