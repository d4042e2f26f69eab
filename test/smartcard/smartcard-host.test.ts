// ZORG-ID Smartcard creation through the supervised card host: every token operation (blank card and
// UZI-pas alike, both SoftHSM2 tokens in one folder) crosses the host's JSON IPC into the child's token
// worker, against the real reference portal over loopback. And the host killed mid-creation: the
// flow fails with a retry error, the supervisor starts a new host, and the same blank card takes a
// complete creation.
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardEvent } from '../../src/shared/domain';
import { AppError } from '../../src/shared/errors';
import { isSmartcardService } from '../../src/main/core/card/smartcard-port';
import { SMARTCARD_KEY_ID, SMARTCARD_KEY_LABEL } from '../../src/main/core/card/smartcard-token';
import { SMARTCARD_STEPS, createSmartcard, slotForReader, type CreateSmartcardDeps, type SmartcardProgress } from '../../src/main/core/enrol/create-smartcard';
import { httpSmartcardPortal } from '../../src/main/core/enrol/smartcard-portal';
import { createCardHost, type CardHost } from '../../src/main/core/host/supervisor';
import type { Portal } from '../../portal/server';
import { loadLab, LAB_VALID_AT } from '../card-lab/lab-tokens';
import { SOFTHSM_MODULE } from '../card-lab/pcscd';
import { BLANK_SO_PIN, UZI_PIN, smartcardSoftHsm, softHsmUziCards, startSmartcardPortal, uziLabel, type SmartcardSoftHsm } from './smartcard-lab';

const available = existsSync(SOFTHSM_MODULE) && existsSync('/usr/bin/softhsm2-util') && existsSync('/usr/bin/pkcs11-tool');
if (!available && process.env.CI) throw new Error(`SoftHSM2 unavailable in CI (${SOFTHSM_MODULE}, softhsm2-util, pkcs11-tool)`);
const title = (s: string) => (available ? s : `${s} [skipped: softhsm2 / opensc not installed]`);

const CARD_PIN = '24681357';

describe.skipIf(!available)(title('ZORG-ID Smartcard creation through the card host (SoftHSM2)'), () => {
  let hsm: SmartcardSoftHsm;
  let host: CardHost;
  let portal: Portal;
  let dir: string;
  const events: CardEvent[] = [];
  const now = LAB_VALID_AT.getTime();

  beforeAll(async () => {
    const pki = await loadLab();
    hsm = await smartcardSoftHsm(pki);
    for (const card of ['Z-huisarts', 'N-medewerker'] as const) await hsm.addUzi(card);
    for (const blank of ['SC host 1', 'SC host 2']) await hsm.addBlank(blank);
    // After the tokens exist: the host's module enumerates them at C_Initialize.
    host = createCardHost({ modulePath: SOFTHSM_MODULE, pcsc: false, env: hsm.base.env as Record<string, string>, clock: () => now });
    host.subscribe((e) => events.push(e));
    dir = mkdtempSync(join(tmpdir(), 'zorgid-sc-host-'));
    portal = await startSmartcardPortal(pki, join(dir, 'portal.sqlite'), () => now, [['90000382', 'TEST Huisartsenpraktijk De Linde'], ['90000383', 'TEST Apotheek Centrum']]);
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await portal?.close();
    hsm?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const deps = (): CreateSmartcardDeps => {
    const tokens = host.smartcardTokens();
    return {
      blank: tokens,
      uzi: softHsmUziCards(tokens),
      portal: httpSmartcardPortal({ origin: portal.origin, allowlist: [portal.origin] }),
      pinAuthority: () => ({ kind: 'so', soPin: Buffer.from(BLANK_SO_PIN) }),
      appVersion: 'test-0.1.0',
    };
  };
  const input = (uzi: Parameters<typeof uziLabel>[0], blank: string) => ({
    uziReader: uziLabel(uzi),
    blankReader: blank,
    pin: Buffer.from(CARD_PIN),
    pinRepeat: Buffer.from(CARD_PIN),
    uziPin: async () => Buffer.from(UZI_PIN),
  });

  it('creates a Smartcard with every token operation in the card host', async () => {
    expect(isSmartcardService(host)).toBe(true);
    const progress: SmartcardProgress[] = [];
    const t0 = performance.now();
    const created = await createSmartcard(deps(), input('Z-huisarts', 'SC host 1'), (e) => progress.push(e));
    console.log(`SMARTCARD create through the card host (SoftHSM2 + portal): ${(performance.now() - t0).toFixed(0)} ms`);
    expect(progress.filter((e) => e.status === 'done').map((e) => e.step)).toEqual([...SMARTCARD_STEPS]);
    expect(new X509Certificate(created.certificateDer).issuer).toContain('TEST ZORG-ID Smartcard CA');

    const tokens = host.smartcardTokens();
    const { slotId } = await slotForReader(tokens, 'SC host 1');
    const onCard = await tokens.readCertificates(slotId);
    expect(onCard.map((c) => [c.id, c.label, c.usage])).toEqual([[SMARTCARD_KEY_ID, SMARTCARD_KEY_LABEL, 'authentication']]);
    expect(Buffer.from(onCard[0]!.der, 'base64').equals(created.certificateDer)).toBe(true);
    expect((await tokens.inspectBlank(slotId)).blank).toBe(false);

    // The PIN is zeroed on this side as soon as it is on the wire, and the key never left the card.
    const pin = Buffer.from(CARD_PIN);
    const attrs = await tokens.readKeyAttributes({ slotId, pin, id: SMARTCARD_KEY_ID });
    expect(pin.every((b) => b === 0)).toBe(true);
    expect(attrs).toEqual({ sensitive: true, extractable: false, alwaysSensitive: true, neverExtractable: true, private: true, sign: true, token: true, modulusBits: 2048 });

    const record = await portal.store.findSmartcardByCert(createHash('sha256').update(created.certificateDer).digest('hex'));
    expect(record).toMatchObject({ status: 'active', uziNumber: '900016528', ura: '90000382' });
  }, 90_000);

  it('a wrong PIN over the host is the card\'s answer, not a host failure', async () => {
    const tokens = host.smartcardTokens();
    const { slotId } = await slotForReader(tokens, 'SC host 1');
    const err = await tokens.readKeyAttributes({ slotId, pin: Buffer.from('99999999'), id: SMARTCARD_KEY_ID }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('ERR_PIN_INCORRECT');
  }, 30_000);

  /** One creation with the host SIGKILLed as `step` starts; resolves with the failure. */
  async function killedAt(step: SmartcardProgress['step']): Promise<{ failed: AppError; progress: SmartcardProgress[] }> {
    await host.whenReady();
    const killedPid = host.hostPid();
    expect(killedPid).toBeDefined();
    const progress: SmartcardProgress[] = [];
    const failed = await createSmartcard(deps(), input('N-medewerker', 'SC host 2'), (e) => {
      progress.push(e);
      // The step's card call is on its way to the host: kill the host under it.
      if (e.step === step && e.status === 'running') process.kill(killedPid!, 'SIGKILL');
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(AppError);
    await host.whenReady();
    expect(host.hostPid()).not.toBe(killedPid);
    return { failed: failed as AppError, progress };
  }

  async function expectBlank(reader: string) {
    const tokens = host.smartcardTokens();
    const { slotId } = await slotForReader(tokens, reader);
    expect(await tokens.inspectBlank(slotId)).toMatchObject({ blank: true, certificates: 0, publicKeys: 0, dataObjects: 0 });
  }

  it('a host killed during key generation or the certificate write leaves the blank card reusable', async () => {
    const restartsBefore = events.filter((e) => e.type === 'host' && e.status === 'restarted').length;

    const keygen = await killedAt('generate-key');
    expect(keygen.failed.code).toBe('ERR_CARD_HOST_RESTARTED');
    expect(keygen.progress.at(-1)).toMatchObject({ step: 'generate-key', status: 'failed', code: 'ERR_CARD_HOST_RESTARTED' });
    await expectBlank('SC host 2');

    // Later: the key is on the card and the portal has issued (not activated) the certificate.
    const write = await killedAt('write-certificate');
    expect(write.failed.code).toBe('ERR_CARD_HOST_RESTARTED');
    expect(write.progress.at(-1)).toMatchObject({ step: 'write-certificate', status: 'failed', code: 'ERR_CARD_HOST_RESTARTED' });
    await expectBlank('SC host 2');
    expect(events.filter((e) => e.type === 'host' && e.status === 'restarted').length).toBe(restartsBefore + 2);

    // The same blank card, the same person: a complete creation now.
    const again: SmartcardProgress[] = [];
    const created = await createSmartcard(deps(), input('N-medewerker', 'SC host 2'), (e) => again.push(e));
    expect(again.filter((e) => e.status === 'done').map((e) => e.step)).toEqual([...SMARTCARD_STEPS]);
    const tokens = host.smartcardTokens();
    const { slotId } = await slotForReader(tokens, 'SC host 2');
    const onCard = await tokens.readCertificates(slotId);
    expect(onCard).toHaveLength(1);
    expect(Buffer.from(onCard[0]!.der, 'base64').equals(created.certificateDer)).toBe(true);
  }, 120_000);
});
