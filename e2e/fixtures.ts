import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { SCREENSHOTS_DIR } from './paths';
import { makeTempDir, startServer, type RunningServer } from './server';

/** Chromium logs every 4xx; for this API a 4xx carries a typed error the UI shows, which tests assert on. */
const TYPED_ERROR_RESPONSE = /^Failed to load resource: the server responded with a status of 4\d\d/;

interface Fixtures {
  /** A fresh, empty data folder, removed after the test. */
  dataDir: string;
  /** `atelier serve` on `dataDir`. */
  server: RunningServer;
  /** Errors the page logged; a test fails if any appear (CSP blocks, contract mismatches, crashes). */
  pageErrors: string[];
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern.
  dataDir: async ({}, use) => {
    const dir = makeTempDir('data');
    await use(dir.path);
    dir.remove();
  },
  server: async ({ dataDir }, use) => {
    const server = await startServer(dataDir);
    await use(server);
    await server.stop();
  },
  pageErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !TYPED_ERROR_RESPONSE.test(message.text()))
        errors.push(message.text());
    });
    await use(errors);
    expect(errors, 'errors logged by the page').toEqual([]);
  },
});

export { expect };

export async function openApp(page: Page, server: RunningServer): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByText('Connected to local server')).toBeVisible();
}

export async function goTo(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible();
}

export function screenshotPath(name: string): string {
  return path.join(SCREENSHOTS_DIR, `${name}.png`);
}
