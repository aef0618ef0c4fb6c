import { expect, goTo, openApp, screenshotPath, test } from './fixtures';

test('a database backup runs as a job, shows in the tray, then fades away', async ({
  page,
  server,
  pageErrors,
}) => {
  await openApp(page, server);
  await goTo(page, 'Settings');
  await page.getByRole('button', { name: 'Back up database' }).click();

  const tray = page.getByRole('region', { name: 'Jobs' });
  await expect(tray.getByRole('article', { name: 'Back up the database' })).toBeVisible();
  await expect(page.getByText(/^Backed up to/)).toContainText('backups');
  await page.screenshot({ path: screenshotPath('jobs') });

  await expect(tray.getByRole('article')).toHaveCount(0, { timeout: 15_000 });
  expect(pageErrors).toEqual([]);
});
