// Electron build: main (+ the card host and its token worker as separate entries, since they run in
// their own processes), the sandboxed preload (CommonJS: sandboxed preloads cannot be ES modules), and
// the renderer. Run with ELECTRON_MAJOR_VER=45 where the electron package is absent (build-notes.md).
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

const here = import.meta.dirname;

// electron-vite derives its targets from the Electron major; where the optional electron package is
// absent (build-notes.md) it cannot ask it, so the locked version comes from the lockfile. Set here, not
// as `VAR=… electron-vite` in package.json, so the scripts also run in cmd.exe on the Windows runner.
const lock = JSON.parse(readFileSync(resolve(here, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
process.env.ELECTRON_MAJOR_VER ??= lock.packages['node_modules/electron']?.version?.split('.')[0] ?? '';

// Demo mode is a build-time choice: `electron-vite dev` (npm start with the Electron binary) and
// `electron-vite build --mode demo` include the demo card; the production build (`npm run
// build:electron`, the installers) leaves out the demo card, the card lab and the test PKI, and the
// renderer never carries the browser preview's bridge. test/production-build.test.ts checks the bundles.
export default defineConfig(({ command, mode }) => {
  const demo = command === 'serve' || mode === 'demo';
  const flags = { __ZORGID_DEMO__: JSON.stringify(demo) };
  // The demo build goes beside the production one (test:electron launches both).
  const out = resolve(here, command === 'build' && mode === 'demo' ? 'out-demo' : 'out');
  return {
  main: {
    define: flags,
    build: {
      outDir: resolve(out, 'main'),
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(here, 'src/main/index.ts'),
          'card-host': resolve(here, 'src/main/core/host/card-host-entry.ts'),
          'token-worker': resolve(here, 'src/main/core/card/token-worker.ts'),
        },
        // Native modules load at run time from node_modules (rebuilt for Electron's ABI when packaging).
        external: ['electron', 'pcsclite', 'graphene-pk11', 'pkcs11js', '@zorgid/pkcs11-pin', 'better-sqlite3'],
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(out, 'preload'),
      rollupOptions: {
        input: { index: resolve(here, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(here, 'src/renderer'),
    plugins: [react()],
    define: { ...flags, __ZORGID_PREVIEW__: 'false' },
    build: {
      outDir: resolve(out, 'renderer'),
      minify: true,
      modulePreload: { polyfill: false },
      rollupOptions: { input: resolve(here, 'src/renderer/index.html') },
    },
  },
};
});
