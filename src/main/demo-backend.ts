// The demo's card backends (development builds and the browser preview only; the production Electron
// build leaves this file out, see electron.vite.config.ts):
//  - the card lab's virtual card through real PC/SC + PKCS#11 when pcscd and vpcd are there,
//  - otherwise the in-process demo card (src/main/core/demo).
import { existsSync } from 'node:fs';
import { createRealCardBackend, type CardBackend, type CardBackendOptions } from './card-backend';
import { loadDemoCards } from './core/demo/demo-card-set';
import { createDemoCardService } from './core/demo/demo-card-service';

/** pcscd's socket exists and vpcd's driver is configured: the card lab can run (build-notes.md). */
export function cardLabAvailable(): boolean {
  return existsSync('/run/pcscd/pcscd.comm') && existsSync('/etc/reader.conf.d/vpcd');
}

/** The preview host's choice: --real is the product's backend, --demo a demo card. */
export async function createCardBackend(options: CardBackendOptions): Promise<CardBackend> {
  if (options.mode === 'real') return createRealCardBackend(options);
  return createDemoCardBackend(options);
}

/** The demo card: the card lab's when it runs (or is asked for), else the in-process one. */
export async function createDemoCardBackend(options: Omit<CardBackendOptions, 'mode'>): Promise<CardBackend> {
  const want = options.demoBackend ?? 'auto';
  if (want === 'card-lab' || (want === 'auto' && cardLabAvailable())) {
    try {
      const { startCardLabDemo } = await import('./core/demo/card-lab-demo');
      const lab = await startCardLabDemo(options.log);
      return { card: lab.card, demo: lab.demo, demoBackend: 'card-lab', smartcardPinAuthority: lab.smartcardPinAuthority, close: () => lab.close() };
    } catch (err) {
      if (want === 'card-lab') throw err;
      options.log(`demo: card lab unavailable (${err instanceof Error ? err.message : String(err)}); using the in-process demo card`);
    }
  }
  const { cards, source } = await loadDemoCards(options.clock(), options.log);
  options.log(`demo: in-process demo card (${source} certificates)`);
  const card = createDemoCardService({ cards, clock: options.clock, ...(options.demoReadDelayMs !== undefined ? { readDelayMs: options.demoReadDelayMs } : {}) });
  return { card, demo: card, demoBackend: 'in-process', smartcardPinAuthority: null, close: () => card.close() };
}

