// The demo through the real paths: the card lab's virtual PIV card on vpcd, seen by pcscd, read by the
// supervised card host through pcsclite and OpenSC's PKCS#11 module — exactly what a real UZI-pas goes
// through, only the card is software. Used by `npm start` where pcscd with vpcd runs. The lab lives
// under test/ and is loaded by path at run time; a bundled app never carries it.
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_DEMO_SCENARIO, type DemoCardKey, type DemoScenario } from '../../../shared/channels';
import { AppError } from '../../../shared/errors';
import type { SmartcardService } from '../card/smartcard-port';
import type { PinAuthority } from '../card/smartcard-token';
import { createCardHost } from '../host/supervisor';
import { DEMO_TO_LAB } from './card-lab-cards';
import { UNKNOWN_ATR } from './demo-cards';
import type { DemoControls } from './demo-card-service';

// Only what this file uses of test/card-lab/controller.ts and opensc-conf.ts.
interface CardLab {
  insert(card: string, options?: { reader?: number; atr?: string }): Promise<unknown>;
  remove(options?: { reader?: number }): Promise<void>;
  card(options?: { reader?: number }): unknown;
  readerName(reader: number): string;
  close(): Promise<void>;
}

const LAB_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../test/card-lab');
const OPENSC_PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

async function importLab<T>(file: string): Promise<T> {
  return (await import(/* @vite-ignore */ pathToFileURL(resolve(LAB_DIR, file)).href)) as T;
}

// …and of test/card-lab/softhsm-smartcards.ts.
interface SoftHsmSmartcards {
  module: string;
  env: Record<string, string>;
  soPin: string;
  renew(readerName: string): Promise<void>;
  dispose(): void;
}

export interface CardLabDemo {
  card: SmartcardService;
  demo: DemoControls;
  /** How the lab's blank ZORG-ID Smartcards get their first PIN (their SO PIN). */
  smartcardPinAuthority: () => PinAuthority;
  close(): Promise<void>;
}

export async function startCardLabDemo(log: (line: string) => void): Promise<CardLabDemo> {
  const { startCardLab } = await importLab<{ startCardLab: () => Promise<CardLab> }>('controller.ts');
  const { openscLabEnv } = await importLab<{ openscLabEnv: () => Record<string, string> }>('opensc-conf.ts');
  const { createSoftHsmSmartcards } = await importLab<{ createSoftHsmSmartcards: (readers: string[]) => Promise<SoftHsmSmartcards> }>('softhsm-smartcards.ts');
  const lab = await startCardLab();
  const readerNames = [0, 1].map((r) => lab.readerName(r));
  const smartcards = await createSoftHsmSmartcards(readerNames);
  // The UZI-passen through OpenSC; the blank ZORG-ID Smartcards through SoftHSM2 (a second module).
  const host = createCardHost({ modulePath: OPENSC_PKCS11, smartcardModulePath: smartcards.module, env: { ...openscLabEnv(), ...smartcards.env } });
  await host.whenReady();
  log('demo: card lab virtual card via pcscd + vpcd, read by the card host (PC/SC + OpenSC PKCS#11; blank Smartcards: SoftHSM2)');

  // A swap faster than pcscd polls the reader (~0.5 s) is no swap to PC/SC: the old card seems to stay
  // and no insert event comes. A person needs more than a second to swap cards, so the demo waits, like
  // them, until the app has seen the card go (at most 3 s).
  const pullAndWait = (reader: number) =>
    new Promise<void>((resolveGone, rejectGone) => {
      const name = lab.readerName(reader);
      let done = false;
      let unsubscribe: () => void = () => undefined;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        resolveGone();
      };
      const timer = setTimeout(finish, 3000);
      unsubscribe = host.subscribe((event) => {
        if (event.type === 'removed' && event.reader === name) finish();
      });
      if (done) unsubscribe();
      lab.remove({ reader }).catch((e: unknown) => {
        done = true;
        clearTimeout(timer);
        unsubscribe();
        rejectGone(e);
      });
    });

  const scenario: DemoScenario = { ...DEFAULT_DEMO_SCENARIO };
  const demo: DemoControls = {
    async insert(key: DemoCardKey, reader = 0, options = {}) {
      if (lab.card({ reader })) await pullAndWait(reader);
      // The unknown card is a working lab token behind an ATR the table does not know: the app still
      // tries it through PKCS#11 (uzi-domain.md).
      if (key === 'unknown') await lab.insert('Z-huisarts', { reader, atr: UNKNOWN_ATR });
      else if (key === 'SC-blank') {
        // This reader's own Smartcard token, as the last creation left it, unless a new one is asked for.
        if (options.fresh) await smartcards.renew(lab.readerName(reader));
        await lab.insert('SC-blank', { reader });
      }
      else await lab.insert(DEMO_TO_LAB[key], { reader });
    },
    async remove(reader = 0) {
      await lab.remove({ reader });
    },
    scenario(patch) {
      // pcscd, the middleware and the vpcd readers are real here: they cannot be switched off from the demo.
      if (Object.keys(patch).length > 0) throw new AppError('ERR_DEMO_DISABLED', { why: 'card lab: real pcscd and middleware' });
      return scenario;
    },
    cards: () => Object.keys(DEMO_TO_LAB).concat('unknown') as DemoCardKey[],
  };
  return {
    card: host,
    demo,
    smartcardPinAuthority: () => ({ kind: 'so', soPin: Buffer.from(smartcards.soPin, 'utf8') }),
    async close() {
      await host.close();
      await lab.close();
      smartcards.dispose();
    },
  };
}
