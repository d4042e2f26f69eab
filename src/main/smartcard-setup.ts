// "ZORG-ID Smartcard maken" wired together, for both hosts (Electron and the preview): the screen
// (core/enrol/smartcard-screen.ts) runs createSmartcard with the card host's Smartcard token
// operations for the blank card, the card port for the UZI-pas, and the portal the app is set up for.
// Every step's outcome goes to the audit log before the screen shows it. No electron here.
import { AppError } from '../shared/errors';
import type { CardService } from './core/card/card-port';
import { isSmartcardService } from './core/card/smartcard-port';
import type { PinAuthority } from './core/card/smartcard-token';
import { createSmartcard, SMARTCARD_STEPS, type SmartcardProgress } from './core/enrol/create-smartcard';
import { httpSmartcardPortal } from './core/enrol/smartcard-portal';
import { createSmartcardScreen, type SmartcardScreen } from './core/enrol/smartcard-screen';
import type { AuditInput } from './core/store';

export interface SmartcardSetupOptions {
  card: CardService;
  /**
   * How the blank cards this app is set up for get their first PIN; null: no card profile is known
   * (a real blank card's transport-PIN scheme is the vendor's, docs/smartcard.md) and creation is refused.
   */
  pinAuthority: (() => PinAuthority) | null;
  /** The portals the app may talk to; the first is where Smartcards are certified. */
  portals: () => readonly string[];
  audit: (entry: AuditInput) => void;
  appVersion: string;
  log: (line: string) => void;
}

export function setupSmartcard(options: SmartcardSetupOptions): SmartcardScreen {
  const { card, audit, log } = options;
  return createSmartcardScreen(
    async (input, waitForCard, onProgress) => {
      const wipe = () => {
        input.pin.fill(0);
        input.pinRepeat.fill(0);
      };
      if (!isSmartcardService(card) || !options.pinAuthority) {
        wipe();
        throw new AppError('ERR_SMARTCARD_UNAVAILABLE', { why: isSmartcardService(card) ? 'no blank card profile' : 'card service cannot create Smartcards' });
      }
      const portals = options.portals();
      const origin = portals[0];
      if (!origin) {
        wipe();
        throw new AppError('ERR_SMARTCARD_UNAVAILABLE', { why: 'no portal configured' });
      }
      const base = { flow: 'create-smartcard', purpose: 'create-smartcard', portal: origin } as const;
      audit({ ...base, step: 'started', outcome: 'started', reader: input.blankReader });
      const progress = (p: SmartcardProgress): void => {
        // Written before the screen moves on: the log is never behind what the person saw.
        if (p.status === 'done') audit({ ...base, step: p.step, outcome: 'ok' });
        else if (p.status === 'failed') audit({ ...base, step: p.step, outcome: 'failed', code: p.code });
        onProgress(p);
      };
      try {
        const created = await createSmartcard(
          {
            blank: card.smartcardTokens(),
            uzi: card,
            portal: httpSmartcardPortal({ origin, allowlist: portals }),
            pinAuthority: options.pinAuthority,
            waitForCard,
            appVersion: options.appVersion,
          },
          input,
          progress,
        );
        audit({ ...base, step: 'created', outcome: 'ok', reader: input.blankReader });
        log(`smartcard: created (${SMARTCARD_STEPS.length} steps)`);
        return created;
      } catch (e) {
        log(`smartcard: ${e instanceof AppError ? e.code : 'failed'}`);
        throw e;
      }
    },
    { cardEvents: (listener) => card.subscribe(listener) },
  );
}
