// Electron build: main (+ the card host and its token worker as separate entries, since they run in
// their own processes), the sandboxed preload (CommonJS: sandboxed preloads cannot be ES modules), and
// the renderer. Run with ELECTRON_MAJOR_VER=45 where the electron package is absent (build-notes.md).
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

const here = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(here, 'src/main/index.ts'),
          'card-host': resolve(here, 'src/main/core/host/card-host-entry.ts'),
          'token-worker': resolve(here, 'src/main/core/card/token-worker.ts'),
        },
        // Native modules load at run time from node_modules (rebuilt for Electron's ABI when packaging).
        external: ['electron', 'pcsclite', 'graphene-pk11', 'pkcs11js', 'better-sqlite3'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(here, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(here, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      modulePreload: { polyfill: false },
      rollupOptions: { input: resolve(here, 'src/renderer/index.html') },
    },
  },
});
