// Renderer-only build (no Electron needed): `npm run build` → dist/renderer, served by the preview host.
// electron.vite.config.ts builds the same renderer for the Electron app.
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [react()],
  // The browser preview serves the demo and needs its bridge (src/renderer/src/main.tsx).
  define: { __ZORGID_PREVIEW__: 'true', __ZORGID_DEMO__: 'true' },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: false,
    // Keep the CSP strict: no inline module-preload polyfill script.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
