// The product's card backend: the supervised card host (src/main/core/host), `npm run app` and the
// installed app. The demo's backends are in demo-backend.ts, which the production build leaves out
// (electron.vite.config.ts: __ZORGID_DEMO__ is false there, so index.ts never imports it).
import type { CardEvent } from '../shared/domain';
import { AppError } from '../shared/errors';
import type { CardService } from './core/card/card-port';
import type { PinAuthority } from './core/card/smartcard-token';
import type { DemoControls } from './core/demo/demo-card-service';

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
export type CardHostFactory = (options: { pkcs11ModulePath: string | null; log: (line: string) => void; onLog?: (event: unknown) => void }) => Promise<CardService>;

export interface CardBackendOptions {
  mode: CardBackendMode;
  clock: () => number;
  log: (line: string) => void;
  pkcs11ModulePath: string | null;
  /** How to start the real card host; absent = the card host is not available in this build. */
  cardHost?: CardHostFactory;
  /** The card host's log events, for the app's log (core/diagnostics/app-log.ts). */
  onHostLog?: (event: unknown) => void;
  /** Demo read delay (ms); tests shorten it. */
  demoReadDelayMs?: number;
  /** 'auto' (default): the card lab when pcscd + vpcd run, else in-process. */
  demoBackend?: 'auto' | 'in-process' | 'card-lab';
}

/** The product's backend: real readers through the card host; never a demo card. */
export async function createRealCardBackend(options: Omit<CardBackendOptions, 'mode' | 'demoReadDelayMs' | 'demoBackend'>): Promise<CardBackend> {
  const card = options.cardHost
    ? await options.cardHost({ pkcs11ModulePath: options.pkcs11ModulePath, log: options.log, onLog: options.onHostLog }).catch((err: unknown) => {
        options.log(`card host failed to start: ${err instanceof Error ? err.message : String(err)}`);
        return unavailableCardService();
      })
    : unavailableCardService();
  return { card, demo: null, demoBackend: null, smartcardPinAuthority: null, close: () => card.close() };
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
