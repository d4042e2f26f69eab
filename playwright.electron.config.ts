// `npm run test:electron`: a smoke test of the real Electron app (Playwright's _electron). Skips with a
// clear message where the Electron binary is absent (build-notes.md); needs a display (xvfb-run) on Linux.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.electron.spec.ts',
  outputDir: 'test-results/electron',
  timeout: 60_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/electron-report.json' }]],
});
