import path from 'node:path';

export const RESULTS_DIR = path.resolve(import.meta.dirname, '../test-results');
export const SCREENSHOTS_DIR = path.join(RESULTS_DIR, 'screenshots');
