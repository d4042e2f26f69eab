// Test support: handoff tokens signed with the card lab's keys exactly as a card does it (raw
// CKM_RSA_PKCS over DigestInfo), built with the shared token code the app uses.
import { constants, createPrivateKey, privateEncrypt, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  buildHandoffToken,
  digestInfoFor,
  handoffSignedDigest,
  hashBrowserCode,
  toBase64Url,
  type HandoffPurpose,
  type HandoffToken,
} from '@zorgid/protocol';
import { ValidatorError, type ValidatorErrorCode } from '@zorgid/validator';
import { ISSUING_CAS, loadCardLab, type CardLabPki, type LabCardId } from './pki';
import { nodeSha256 } from '@zorgid/validator';

export { LAB_VALID_AT } from './pki';

export async function loadLab(): Promise<CardLabPki> {
  return loadCardLab();
}

/** Every published lab CRL except the unknown root's (a portal has no business with it). */
export function labCrls(pki: CardLabPki): Uint8Array[] {
  return ISSUING_CAS.filter((c) => c !== 'unknown-root').map((c) => new Uint8Array(readFileSync(pki.paths.crl[c])));
}

export function labTrust(pki: CardLabPki) {
  return { trustAnchors: [new Uint8Array(pki.root)], intermediates: pki.intermediates.map((d) => new Uint8Array(d)) };
}

export const newBrowserCode = (): string => toBase64Url(randomBytes(16));

export interface SignInput {
  pki: CardLabPki;
  card: LabCardId;
  /** Which key signs: the authentication key (right) or the non-repudiation key (wrong). */
  key?: 'auth' | 'sign';
  request: { origin: string; challenge: string; purpose: HandoffPurpose };
  browserCode: string;
  /** Put the card's CA certificates in the token (not the root). */
  withIntermediates?: boolean;
  /** Certificate to present instead of the card's own (another card's, a hand-issued one). */
  certificateDer?: Uint8Array;
  keyPkcs8Der?: Uint8Array;
}

export function signLabToken(input: SignInput): HandoffToken {
  const card = input.pki.cards[input.card];
  const key = input.key === 'sign' ? card.sign : card.auth;
  const keyDer = input.keyPkcs8Der ?? key?.keyPkcs8Der;
  const certDer = input.certificateDer ?? key?.certDer;
  if (!keyDer || !certDer) throw new Error(`lab card ${input.card} has no ${input.key ?? 'auth'} key`);
  const bcHash = hashBrowserCode(nodeSha256, input.browserCode);
  const signed = handoffSignedDigest(nodeSha256, { ...input.request, browserCodeHash: bcHash });
  const privateKey = createPrivateKey({ key: Buffer.from(keyDer), format: 'der', type: 'pkcs8' });
  const signature = privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfoFor(signed));
  return buildHandoffToken({
    purpose: input.request.purpose,
    browserCodeHash: bcHash,
    certificate: new Uint8Array(certDer),
    intermediates: input.withIntermediates ? card.chain.slice(0, -1).map((d) => new Uint8Array(d)) : undefined,
    signature,
    appVersion: 'test-0.1.0',
  });
}

/** What a validation (or any call) ended in: 'ok', or the code of our typed error; anything else throws. */
export async function codeOf(p: Promise<unknown>): Promise<ValidatorErrorCode | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof ValidatorError) return err.code;
    throw err;
  }
}
