// The demo's cards from the card lab's TEST PKI (test/card-lab/pki): real certificates and PKCS#8 keys,
// holders parsed by the product's own UZI parser. The PKI lives under test/ and is loaded by path at
// run time (tsx), so a bundled app never carries it; without it (packaged app) this returns null.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { DemoCardKey } from '../../../shared/channels';
import type { CertificateSummary } from '../../../shared/domain';
import { serializeError } from '../../../shared/errors';
import { parseUziCertificate } from '@zorgid/uzi';
import type { DemoCard } from './demo-card-service';
import { DEMO_PIN, unknownDemoCard } from './demo-cards';

// Only what this file reads of the PKI's API (/work/team/pki-api.md).
interface LabKey {
  id: string;
  usage: 'authentication' | 'signing' | 'encryption';
  label: string;
  bits: number;
  certDer: Buffer;
  keyPkcs8Der: Buffer;
  serialHex: string;
}
interface LabCard {
  atr: string;
  auth: LabKey | null;
  sign?: LabKey;
  enc?: LabKey;
}
interface CardLabPki {
  cards: Record<string, LabCard>;
}

/** Which lab card plays which demo card. */
export const DEMO_TO_LAB: Record<Exclude<DemoCardKey, 'unknown'>, string> = {
  Z: 'Z-huisarts',
  N: 'N-medewerker',
  M: 'M-balie',
  'Z-expired': 'Z-expired',
  'Z-not-yet-valid': 'Z-not-yet-valid',
  'SC-blank': 'SC-blank',
  SC: 'SC-employee',
};

const PKI_MODULE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../test/card-lab/pki/index.ts');

function toDemoCard(key: DemoCardKey, lab: LabCard): DemoCard {
  const labKeys = [lab.auth, lab.sign, lab.enc].filter((k): k is LabKey => Boolean(k));
  const certificates: CertificateSummary[] = labKeys.map((k) => ({
    id: k.id,
    label: k.label,
    der: k.certDer.toString('base64'),
    usage: k.usage,
    keyBits: k.bits,
  }));
  const keys = new Map<string, KeyObject>(labKeys.map((k) => [k.id, createPrivateKey({ key: k.keyPkcs8Der, format: 'der', type: 'pkcs8' })]));
  let holder: DemoCard['holder'] = null;
  let holderError: DemoCard['holderError'] = null;
  if (lab.auth) {
    try {
      holder = parseUziCertificate(lab.auth.certDer);
    } catch (err) {
      holderError = serializeError(err);
    }
  }
  return {
    key,
    atr: lab.atr,
    tokenLabel: holder ? `UZI-pas ${holder.uziNumber}` : 'UZI-pas',
    tokenSerial: lab.auth?.serialHex.slice(0, 16).toUpperCase() ?? '',
    certificates,
    authCertificateId: lab.auth?.id ?? null,
    holder,
    holderError,
    keys,
    pin: DEMO_PIN,
  };
}

export async function cardLabDemoCards(): Promise<DemoCard[] | null> {
  const { loadCardLab } = (await import(/* @vite-ignore */ pathToFileURL(PKI_MODULE).href)) as { loadCardLab: () => Promise<CardLabPki> };
  const pki = await loadCardLab();
  const cards = (Object.entries(DEMO_TO_LAB) as [DemoCardKey, string][]).map(([key, id]) => {
    const lab = pki.cards[id];
    if (!lab) throw new Error(`card lab has no card ${id}`);
    return toDemoCard(key, lab);
  });
  // No lab card has an unknown ATR with nothing on it; that one stays synthetic.
  cards.push(unknownDemoCard());
  return cards;
}
