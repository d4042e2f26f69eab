// Before the E2E run: build the renderer the tests will see, and warm the card lab's PKI cache so a
// preview host start never waits on a cold certificate generation (~15 s).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function globalSetup(): void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.renderer.config.mts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['--import', 'tsx', '-e', "await import('./test/card-lab/pki/index.ts').then((m) => m.loadCardLab())"], {
    cwd: root,
    stdio: 'inherit',
    timeout: 180_000,
  });
}
