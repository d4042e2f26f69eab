// Which CardService sits behind the contract. One place decides, for both hosts:
//  - real: the supervised card host (src/main/core/host) — `npm run app`; never a demo card;
//  - demo: the card lab's virtual card through real PC/SC + PKCS#11 when pcscd and vpcd are there,
//          otherwise the in-process demo card (src/main/core/demo).
import { existsSync } from 'node:fs';
import type { CardEvent } from '../shared/domain';
import { AppError } from '../shared/errors';
import type { CardService } from './core/card/card-port';
import type { PinAuthority } from './core/card/smartcard-token';
import { loadDemoCards } from './core/demo/demo-cards';
import { createDemoCardService, type DemoControls } from './core/demo/demo-card-service';

export type CardBackendMode = 'demo' | 'real';

export interface CardBackend {
  card: CardService;
  demo: DemoControls | null;
  demoBackend: 'in-process' | 'card-lab' | null;
  /**
   * How this setup's blank ZORG-ID Smartcards get their first PIN; null: creation is refused (the real
   * card's scheme is the vendor's, docs/smartcard.md; the in-process demo has no token to create on).
   */
  smartcardPinAuthority: (() => PinAuthority) | null;
  close(): Promise<void>;
}

/**
 * Starts the card host process. The preview host and tests fork it with Node; Electron passes a
 * spawner built on utilityProcess. Both go through the same supervisor (core/host/supervisor.ts).
 */
export type CardHostFactory = (options: { pkcs11ModulePath: string | null; log: (line: string) => void }) => Promise<CardService>;

export interface CardBackendOptions {
  mode: CardBackendMode;
  clock: () => number;
  log: (line: string) => void;
  pkcs11ModulePath: string | null;
  /** How to start the real card host; absent = the card host is not available in this build. */
  cardHost?: CardHostFactory;
  /** Demo read delay (ms); tests shorten it. */
  demoReadDelayMs?: number;
  /** 'auto' (default): the card lab when pcscd + vpcd run, else in-process. */
  demoBackend?: 'auto' | 'in-process' | 'card-lab';
}

/** pcscd's socket exists and vpcd's driver is configured: the card lab can run (build-notes.md). */
export function cardLabAvailable(): boolean {
  return existsSync('/run/pcscd/pcscd.comm') && existsSync('/etc/reader.conf.d/vpcd');
}

export async function createCardBackend(options: CardBackendOptions): Promise<CardBackend> {
  if (options.mode === 'real') {
    const card = options.cardHost
      ? await options.cardHost({ pkcs11ModulePath: options.pkcs11ModulePath, log: options.log }).catch((err: unknown) => {
          options.log(`card host failed to start: ${err instanceof Error ? err.message : String(err)}`);
          return unavailableCardService();
        })
      : unavailableCardService();
    return { card, demo: null, demoBackend: null, smartcardPinAuthority: null, close: () => card.close() };
  }

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

/** What the card port answers when there is no card host: the service is down, with the reason. */
export function unavailableCardService(): CardService {
  const error = new AppError('ERR_CARD_HOST_UNAVAILABLE');
  return {
    subscribe(listener: (event: CardEvent) => void) {
      listener({ type: 'readers', readers: [] });
      listener({ type: 'service', status: 'down', error: error.toJSON() });
      return () => {};
    },
    async readers() {
      throw error;
    },
    async read() {
      throw error;
    },
    async sign(request) {
      request.pin.fill(0);
      throw error;
    },
    async close() {},
  };
}
