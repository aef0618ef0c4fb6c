import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import atelier from './build/eslint/atelier-plugin.js';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'http',
  'https',
  'net',
  'url',
  'stream',
  'events',
  'util',
];
const NATIVE_MODULES = ['better-sqlite3', 'onnxruntime-node', 'node-llama-cpp', 'sharp'];
const UI_MODULES = [
  'electron',
  'react',
  'react-dom',
  'react/*',
  'react-dom/*',
  '**/renderer/**',
  '**/electron/**',
];

const restrict = (patterns, message) => ({ group: patterns, message });

/** DESIGN.md "Dependency direction", one entry per folder group; a test in build/eslint proves they fire. */
const layering = [
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(UI_MODULES, 'core never imports Electron, React or the renderer.'),
            restrict(
              NATIVE_MODULES,
              'Only store/, vision/, vlm/ and generate/ runtime files touch native modules.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['core/store/**/*.ts', 'core/vision/**/*.ts', 'core/vlm/**/*.ts', 'core/generate/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [restrict(UI_MODULES, 'core never imports Electron, React or the renderer.')] },
      ],
    },
  },
  {
    files: ['core/api/**/*.ts', 'core/common/**/*.ts', 'core/math/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(UI_MODULES, 'core never imports Electron, React or the renderer.'),
            restrict(
              [...NODE_BUILTINS, ...NATIVE_MODULES],
              'core/api, core/common and core/math are portable: no Node built-ins, no native modules.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(
              [...NODE_BUILTINS, ...NATIVE_MODULES, 'electron'],
              'The renderer imports nothing from Node or Electron.',
            ),
            restrict(
              ['**/core/*', '!**/core/api', '**/core/api/*'],
              'The renderer imports only core/api (through its index) from core.',
            ),
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      '.native/',
      '.atelier-dev/',
      'test-results/',
      'playwright-report/',
      'build/eslint/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './renderer/tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    plugins: { atelier },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'atelier/no-deep-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No `export *`: name what a folder exports.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  ...layering,
);
