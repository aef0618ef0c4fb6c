import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// electron-vite's config bundler rewrites import.meta.url to this file's location but leaves
// import.meta.dirname pointing at its temporary copy, so paths derive from the URL.
const fromRoot = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/**
 * Main and the engine's utility process are Node bundles (ESM, since package.json says
 * "type": "module"); dependencies stay in node_modules so native modules load from disk.
 * The preload is CommonJS because sandboxed preloads cannot load ES modules.
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      outDir: fromRoot('out/main'),
      rollupOptions: {
        input: {
          index: fromRoot('electron/main/index.ts'),
          'engine-process': fromRoot('electron/main/engine-process.ts'),
          // Worker threads are started from a file beside the bundle (see core/lora/reduce.pipeline.ts).
          'reduce.worker': fromRoot('core/lora/reduce.worker.ts'),
          'header.worker': fromRoot('core/ingest/loras/header.worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // Bundle everything but 'electron' itself: a sandboxed preload has no module loader.
      externalizeDeps: false,
      outDir: fromRoot('out/preload'),
      rollupOptions: {
        input: { index: fromRoot('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // Mirrors renderer/vite.config.ts (the serve-mode build), which cannot be imported here because it
  // derives its root from import.meta.dirname. Its CSP meta tag is left out: the app protocol sends
  // the policy as a header (electron/main/content-security.ts).
  renderer: {
    root: fromRoot('renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: fromRoot('out/renderer'),
      emptyOutDir: true,
      sourcemap: true,
      rollupOptions: { input: fromRoot('renderer/index.html') },
    },
  },
});
