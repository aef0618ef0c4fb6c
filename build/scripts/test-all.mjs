#!/usr/bin/env node
// `npm test`: typecheck, lint, unit + medium tests (vitest), e2e in Chromium (Playwright), then one plain
// summary line `N passed, N failed` counting every test and each of the two static checks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
const only = process.argv.slice(2);
const wanted = (step) => only.length === 0 || only.includes(step);

let passed = 0;
let failed = 0;
const lines = [];

function run(label, args, env = {}) {
  console.log(`\n▶ ${label}`);
  const started = Date.now();
  const child = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: child.status === 0, seconds };
}

function check(label, args) {
  const { ok, seconds } = run(label, args);
  if (ok) passed++;
  else failed++;
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${label} (${seconds}s)`);
}

function countVitest(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: report.numPassedTests, failed: report.numFailedTests };
}

function countPlaywright(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const stats = report.stats ?? {};
  const errors = (report.errors ?? []).length;
  return { passed: stats.expected ?? 0, failed: (stats.unexpected ?? 0) + (stats.flaky ?? 0) + errors };
}

function suite(label, args, reportFile, count, env) {
  rmSync(reportFile, { force: true });
  const { ok, seconds } = run(label, args, env);
  if (!existsSync(reportFile)) {
    failed++;
    lines.push(`FAIL ${label}: no report written (${seconds}s)`);
    return;
  }
  const counts = count(reportFile);
  // A runner that exits non-zero with every test passing still failed (e.g. a crash after the tests).
  const extra = !ok && counts.failed === 0 ? 1 : 0;
  passed += counts.passed;
  failed += counts.failed + extra;
  lines.push(
    `${ok ? 'ok  ' : 'FAIL'} ${label}: ${counts.passed} passed, ${counts.failed + extra} failed (${seconds}s)`,
  );
}

if (wanted('typecheck')) {
  check('typecheck (node)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.node.json', '--noEmit']);
  check('typecheck (web)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.web.json', '--noEmit']);
  check('typecheck (renderer tests)', [bin('typescript', 'bin/tsc'), '-p', 'renderer/tsconfig.test.json', '--noEmit']);
}
if (wanted('lint')) check('lint', [bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', '.']);
if (wanted('unit')) {
  const file = path.join(results, 'vitest.json');
  suite(
    'unit + medium tests (vitest)',
    [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile=${file}`],
    file,
    countVitest,
  );
}
if (wanted('e2e')) {
  const build = run('build renderer', [
    bin('vite', 'bin/vite.js'),
    'build',
    '--config',
    'renderer/vite.config.ts',
    '--logLevel',
    'warn',
  ]);
  if (!build.ok) {
    failed++;
    lines.push('FAIL build renderer');
  } else {
    const file = path.join(results, 'playwright.json');
    suite(
      'e2e (Playwright, Chromium)',
      [
        bin('@playwright/test', 'cli.js'),
        'test',
        '--config',
        'e2e/playwright.config.ts',
        '--reporter=list,json',
      ],
      file,
      countPlaywright,
      { PLAYWRIGHT_JSON_OUTPUT_NAME: file },
    );
  }
}

console.log(`\n${lines.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
