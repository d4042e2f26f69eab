// Test support for ZORG-ID Smartcard creation: one SoftHSM2 token folder holding the UZI-passen (lab
// keys and certificates imported with CKA_ID 01) and blank ZORG-ID Smartcards (initialised tokens,
// nothing on them), so one process loads the module once and sees them all; a real reference portal
// over loopback with the card lab's Smartcard CA; and a card port for the UZI-pas tokens.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CardReading } from '../../src/shared/domain';
import type { CardService } from '../../src/main/core/card/card-port';
import type { TokenAccess } from '../../src/main/core/card/token-access';
import { slotForReader } from '../../src/main/core/enrol/create-smartcard';
import { createPortal, type Portal } from '../../portal/server';
import { labCrls, labTrust } from '../card-lab/lab-tokens';
import type { CardLabPki, LabCardId } from '../card-lab/pki';
import { SOFTHSM_MODULE } from '../card-lab/pcscd';
import { createSoftHsmToken, type SoftHsmToken } from '../card-lab/softhsm';

const run = promisify(execFile);

export const UZI_PIN = '246810';
export const BLANK_SO_PIN = '87654321';

function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** The token label a lab UZI-pas gets in the SoftHSM folder (the "reader" name in these tests). */
export const uziLabel = (card: LabCardId) => `UZI ${card}`;

export interface SmartcardSoftHsm {
  base: SoftHsmToken;
  /** Adds an UZI-pas: the lab card's authentication key and certificate, CKA_ID 01. */
  addUzi(card: LabCardId): Promise<string>;
  /** Adds a blank ZORG-ID Smartcard: initialised, SO PIN BLANK_SO_PIN, no objects. */
  addBlank(label: string): Promise<string>;
  dispose(): void;
}

export async function smartcardSoftHsm(pki: CardLabPki): Promise<SmartcardSoftHsm> {
  // The folder and config come from the lab helper; its first token is a blank card of its own.
  const base = await createSoftHsmToken({ label: 'SC blank 0', pin: '000000', soPin: BLANK_SO_PIN });
  const env = { ...process.env, ...base.env };
  const work = mkdtempSync(join(tmpdir(), 'zorgid-sc-import-'));
  const init = (label: string, soPin: string, pin: string) =>
    run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin], { env });
  return {
    base,
    async addUzi(card) {
      const auth = pki.cards[card].auth;
      if (!auth) throw new Error(`${card} has no authentication key`);
      const label = uziLabel(card);
      await init(label, '12345678', UZI_PIN);
      const keyFile = join(work, `${card}.key.pem`);
      writeFileSync(keyFile, pem('PRIVATE KEY', auth.keyPkcs8Der), { mode: 0o600 });
      await run('softhsm2-util', ['--import', keyFile, '--token', label, '--label', auth.label, '--id', '01', '--pin', UZI_PIN], { env });
      rmSync(keyFile);
      const certFile = join(work, `${card}.der`);
      writeFileSync(certFile, auth.certDer);
      await run('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', UZI_PIN,
        '--write-object', certFile, '--type', 'cert', '--id', '01', '--label', auth.label], { env });
      return label;
    },
    async addBlank(label) {
      // softhsm2-util insists on a user PIN; the creation flow replaces it as SO (C_InitPIN).
      await init(label, BLANK_SO_PIN, '000000');
      return label;
    },
    dispose() {
      rmSync(work, { recursive: true, force: true });
      base.dispose();
    },
  };
}

/** The app's card port for a SoftHSM UZI-pas (no reader: the token label is the reader name). */
export function softHsmUziCards(tokens: TokenAccess): Pick<CardService, 'read' | 'sign'> {
  return {
    async read(reader) {
      const { slotId } = await slotForReader(tokens, reader);
      const certificates = await tokens.readCertificates(slotId);
      const auth = certificates.find((c) => c.usage === 'authentication');
      return { reader, certificates, authCertificateId: auth?.id ?? null } as unknown as CardReading;
    },
    async sign(req) {
      const { slotId } = await slotForReader(tokens, req.reader);
      return tokens.sign({ slotId, certificateId: req.certificateId, mechanism: req.mechanism, data: req.data, pin: req.pin });
    },
  };
}

/**
 * The reference portal as the Smartcard tests need it: lab trust and CRLs, the lab's Smartcard CA, and
 * these organisations registered and validated (default: the Z and N cards' De Linde).
 */
export async function startSmartcardPortal(
  pki: CardLabPki,
  dbPath: string,
  clock: () => number,
  organisations: ReadonlyArray<readonly [ura: string, name: string]> = [['90000382', 'TEST Huisartsenpraktijk De Linde']],
): Promise<Portal> {
  const portal = await createPortal({
    dbPath,
    trust: { ...labTrust(pki), crls: labCrls(pki) },
    clock,
    smartcardCa: { certDer: pki.smartcardCa.certDer, keyPkcs8Der: pki.smartcardCa.keyPkcs8Der },
  });
  const now = clock();
  for (const [ura, name] of organisations) {
    await portal.store.createRegistration({ ura, name, street: 'Laan 1', postcode: '3511 AB', city: 'Utrecht', status: 'active', createdAt: now, activatedAt: now, administrator: null });
  }
  return portal;
}

/** What a card-lab Smartcard test started, torn down in the one safe order (cards out, host, lab, pcscd, portal). */
export async function tearDownSmartcardLab(lab: {
  cards?: { remove(o: { reader: number }): Promise<unknown>; close(): Promise<unknown> };
  host?: { close(): Promise<unknown> };
  pcscd?: { started: boolean };
  stopPcscd: () => Promise<unknown>;
  portal?: { close(): Promise<unknown> };
}): Promise<void> {
  await lab.cards?.remove({ reader: 0 }).catch(() => undefined);
  await lab.cards?.remove({ reader: 1 }).catch(() => undefined);
  await lab.host?.close();
  await lab.cards?.close();
  if (lab.pcscd?.started) await lab.stopPcscd();
  await lab.portal?.close();
}
