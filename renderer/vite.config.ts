import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const rendererRoot = import.meta.dirname;
const repoRoot = path.resolve(rendererRoot, '..');

/**
 * Images come from the serve-mode host (same origin) or Electron's `atelier-media:` protocol; events
 * from a WebSocket on 127.0.0.1. Nothing else is reachable, matching an offline app.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: atelier-media:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Only in builds: the dev server injects inline scripts for hot reload that this policy would block. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'atelier-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/** `ATELIER_SERVER=http://127.0.0.1:PORT npx vite --config renderer/vite.config.ts` develops against a running `atelier serve`. */
const devServerTarget = process.env.ATELIER_SERVER;

export default defineConfig({
  root: rendererRoot,
  // Relative asset URLs so the same build loads from file:// in Electron and from the HTTP host.
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: path.join(repoRoot, 'out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod ships comments Rollup cannot place; harmless, and noise would hide warnings about our code.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: devServerTarget
      ? {
          '/api': { target: devServerTarget, ws: true, changeOrigin: true },
          '/media': { target: devServerTarget, changeOrigin: true },
        }
      : undefined,
  },
});
