// A card pulled at each step of ZORG-ID Smartcard creation, on the app's real card path: the supervised
// card host with two modules (OpenSC for the virtual UZI-pas in reader 0, SoftHSM2 for the lab's
// SoftHSM-backed blank card in reader 1), pcscd + vpcd seeing both cards, the reference portal over
// loopback. The pull happens for real (the virtual card leaves vpcd and PC/SC reports it) just before
// the step's first card or portal call, so every step is hit, not only the slow ones. After each pull
// the same card goes back in and must still be blank; at the end it becomes a Smartcard.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardService } from '../../src/main/core/card/card-port';
import type { SmartcardTokenAccess } from '../../src/main/core/card/smartcard-token';
import { SMARTCARD_STEPS, createSmartcard, slotForReader, type SmartcardProgress, type SmartcardStep } from '../../src/main/core/enrol/create-smartcard';
import { httpSmartcardPortal, type SmartcardPortal } from '../../src/main/core/enrol/smartcard-portal';
import { createCardHost, type CardHost } from '../../src/main/core/host/supervisor';
import type { Portal } from '../../portal/server';
import { LAB_PIN, startCardLab, type CardLab } from '../card-lab/controller';
import { openscLabEnv } from '../card-lab/opensc-conf';
import { OPENSC_PKCS11, VPCD_READERS, ensurePcscd, requireLab, stopPcscd, type PcscdHandle } from '../card-lab/pcscd';
import { LAB_VALID_AT, loadCardLab, type CardLabPki } from '../card-lab/pki';
import { createSoftHsmSmartcards, type SoftHsmSmartcards } from '../card-lab/softhsm-smartcards';
import { startSmartcardPortal, tearDownSmartcardLab } from './smartcard-lab';

const lab = requireLab();
const [R0, R1] = VPCD_READERS;
const CARD_PIN = '97531864';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe.skipIf(lab.skip)(lab.title('ZORG-ID Smartcard creation: a card pulled at each step (card host, pcscd + vpcd, OpenSC + SoftHSM2)'), () => {
  let pcscd: PcscdHandle;
  let cards: CardLab;
  let pki: CardLabPki;
  let host: CardHost;
  let smartcards: SoftHsmSmartcards;
  let portal: Portal;
  let dir: string;
  const now = LAB_VALID_AT.getTime();

  /** PC/SC (through the host) says whether a card is in `reader`. */
  async function waitPresent(reader: string, present: boolean): Promise<void> {
    const until = Date.now() + 10_000;
    for (;;) {
      const state = (await host.readers()).find((r) => r.name === reader);
      if (state?.present === present) return;
      if (Date.now() > until) throw new Error(`${reader} did not become ${present ? 'full' : 'empty'}`);
      await sleep(100);
    }
  }
  const pull = async (reader: 0 | 1) => {
    const t0 = performance.now();
    await cards.remove({ reader });
    await waitPresent(VPCD_READERS[reader], false);
    console.log(`LAB pull of reader ${reader} seen after ${(performance.now() - t0).toFixed(0)} ms`);
  };
  const insertBlank = async () => {
    await cards.insert('SC-blank', { reader: 1 });
    await waitPresent(R1, true);
  };
  const insertUzi = async () => {
    await cards.insert('Z-huisarts', { reader: 0 });
    await waitPresent(R0, true);
    // OpenSC needs ~1.5 s after an insert before the token is there; after a pull mid-call it may sit in
    // its deadlock until the host's read deadline restarts the host (build-notes.md).
    const until = Date.now() + 45_000;
    for (;;) {
      try {
        await host.read(R0);
        return;
      } catch (e) {
        if (Date.now() > until) throw e;
        await sleep(300);
      }
    }
  };

  beforeAll(async () => {
    pcscd = await ensurePcscd();
    pki = await loadCardLab();
    cards = await startCardLab({ pki });
    smartcards = await createSoftHsmSmartcards([...VPCD_READERS]);
    host = createCardHost({ modulePath: OPENSC_PKCS11, smartcardModulePath: smartcards.module, env: { ...openscLabEnv(), ...smartcards.env }, clock: () => now });
    await host.whenReady();
    dir = mkdtempSync(join(tmpdir(), 'zorgid-sc-pull-'));
    portal = await startSmartcardPortal(pki, join(dir, 'portal.sqlite'), () => now);
    await insertUzi();
    await insertBlank();
  }, 120_000);

  afterAll(async () => {
    await tearDownSmartcardLab({ cards, host, pcscd, stopPcscd, portal });
    smartcards?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * createSmartcard on the host's ports; `pullAt` pulls a card (the UZI-pas at identify-uzi, else the
   * blank card) right before the first call that step makes to a card or the portal.
   */
  async function create(pullAt?: SmartcardStep): Promise<{ events: SmartcardProgress[]; error?: { code: string } }> {
    const events: SmartcardProgress[] = [];
    let step: SmartcardStep | undefined;
    let pulled = false;
    const maybePull = async () => {
      if (pulled || step !== pullAt) return;
      pulled = true;
      await pull(pullAt === 'identify-uzi' ? 0 : 1);
    };
    const tokens = host.smartcardTokens();
    const blank = Object.fromEntries(
      Object.entries(tokens).map(([op, fn]) => [op, async (req: unknown) => (op === 'listTokens' ? undefined : await maybePull(), (fn as (r: unknown) => Promise<unknown>)(req))]),
    ) as unknown as SmartcardTokenAccess;
    const uzi: Pick<CardService, 'read' | 'sign'> = {
      read: async (reader) => (await maybePull(), host.read(reader)),
      sign: async (req) => (await maybePull(), host.sign(req)),
    };
    const real = httpSmartcardPortal({ origin: portal.origin, allowlist: [portal.origin] });
    const smartcardPortal: SmartcardPortal = { ...real, certify: async (input) => (await maybePull(), real.certify(input)) };
    try {
      await createSmartcard(
        { blank, uzi, portal: smartcardPortal, pinAuthority: () => ({ kind: 'so', soPin: Buffer.from(smartcards.soPin) }), appVersion: 'lab-0.1.0' },
        { uziReader: R0, blankReader: R1, pin: Buffer.from(CARD_PIN), pinRepeat: Buffer.from(CARD_PIN), uziPin: async () => Buffer.from(LAB_PIN) },
        (e) => {
          events.push(e);
          if (e.status === 'running') step = e.step;
        },
      );
      return { events };
    } catch (e) {
      return { events, error: e as { code: string } };
    }
  }

  async function inspectBlank() {
    const tokens = host.smartcardTokens();
    const { slotId } = await slotForReader(tokens, R1);
    return tokens.inspectBlank(slotId);
  }

  for (const step of SMARTCARD_STEPS) {
    it(`pulled at "${step}": a clear error, and the same card is blank again once back in`, async () => {
      const t0 = performance.now();
      const { events, error } = await create(step);
      const failed = events.find((e) => e.status === 'failed');
      expect(error?.code, `creation must fail when pulled at ${step}`).toMatch(/^ERR_CARD_(REMOVED|NOT_PRESENT)$/);
      // The portal call touches no card: a pull during it shows at the next card call.
      expect(failed).toMatchObject({ step: step === 'certify' ? 'write-certificate' : step, status: 'failed' });
      console.log(`LAB smartcard pulled at ${step}: ${error?.code} after ${(performance.now() - t0).toFixed(0)} ms, rolledBack=${String((failed as { rolledBack?: boolean }).rolledBack)}`);
      if (step === 'identify-uzi') {
        // The blank card stayed in: the rollback ran on it.
        expect(failed).toMatchObject({ rolledBack: true });
        await insertUzi();
      } else {
        await insertBlank();
      }
      // Leftovers of an interrupted creation may remain (labelled, removed by the next creation); the
      // card counts as blank either way.
      const inspection = await inspectBlank();
      console.log(`LAB after the pull at ${step}: ${JSON.stringify(inspection)}`);
      expect(inspection).toMatchObject({ blank: true });
      expect(await portal.store.findLiveSmartcardByUzi('900016528')).toBeNull();
    }, 90_000);
  }

  it('after all those pulls the same blank card becomes a Smartcard', async () => {
    const { events, error } = await create();
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.status === 'done').map((e) => e.step)).toEqual([...SMARTCARD_STEPS]);
    expect(await inspectBlank()).toMatchObject({ blank: false, certificates: 1 });
    expect(await portal.store.findLiveSmartcardByUzi('900016528')).toMatchObject({ status: 'active' });
  }, 90_000);
});
