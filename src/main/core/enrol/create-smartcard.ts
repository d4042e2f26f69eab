// Creating a ZORG-ID Smartcard (issue 8, seed 003): a plain async flow a UI drives with progress
// events. Blank card: inspect → PIN → key pair on the card → CSR signed on the card → the employee's
// UZI-pas signs the portal's create-smartcard challenge (handoff token format) → the portal certifies
// → certificate written → test signature, which also activates the Smartcard at the portal.
//
// The CSR is bound to the UZI-pas signature through the token's browser code: for this purpose
// bc = base64url(SHA-256(CSR DER)), so the signed digest covers the CSR and nobody can swap it.
//
// Any failure after the PIN step destroys what was made on the blank card (rollback). If the card is
// gone and the rollback cannot run, what is left carries SMARTCARD_PENDING_LABEL (every object is made
// with it and relabelled just before the portal activates the Smartcard): inspectBlank still calls the
// card blank and generateKeyPair removes the leftovers, so the blank card stays reusable either way.
// The portal only counts an activated Smartcard as existing.
//
// Finalise (the relabelling) comes before the activation: when it came after, a failure of that last
// card call (card host killed) rolled the card back after the activation, destroying the key of an
// active Smartcard, and the portal refused the retry (ERR_SMARTCARD_ALREADY_EXISTS;
// test/smartcard/smartcard-host-kill.lab.test.ts). A pull between finalise and the activation leaves
// a finalised card whose Smartcard is not active (no rollback without the card): the card is then
// not blank, an administrator wipes it.
import { createHash, timingSafeEqual, verify as verifySignature, X509Certificate } from 'node:crypto';
import { SMARTCARD_SCREEN_STEPS } from '../../../shared/channels';
import { AppError } from '../../../shared/errors';
import {
  buildHandoffToken,
  digestInfoFor,
  handoffSignedDigest,
  hashBrowserCode,
  toBase64Url,
  type HandoffToken,
  type Sha256,
} from '@zorgid/protocol';
import type { CardService } from '../card/card-port';
import { SMARTCARD_KEY_ID, SMARTCARD_KEY_LABEL, SMARTCARD_PENDING_LABEL, isSmartcardPin, type PinAuthority, type SmartcardTokenAccess } from '../card/smartcard-token';
import { buildCsr } from '@zorgid/uzi';
import { activationMessage } from '@zorgid/protocol';
import type { SmartcardPortal } from './smartcard-portal';
import { secretCopy } from '../secret-bytes';

/** The steps in order: the screen's list (shared/channels.ts), so the two cannot drift apart. */
export const SMARTCARD_STEPS = SMARTCARD_SCREEN_STEPS;
export type SmartcardStep = (typeof SMARTCARD_STEPS)[number];

export type SmartcardProgress =
  | { step: SmartcardStep; index: number; total: number; status: 'running' | 'done' }
  /** One reader: the UI asks the person to put in this card; the flow continues when waitForCard resolves. */
  | { step: SmartcardStep; index: number; total: number; status: 'insert-card'; card: 'uzi' | 'blank'; reader: string }
  | { step: SmartcardStep; index: number; total: number; status: 'failed'; code: AppError['code']; rolledBack: boolean };

export interface CreateSmartcardDeps {
  /** The blank card's PKCS#11 module (token ops for creation). */
  blank: SmartcardTokenAccess;
  /** The UZI-pas, through the app's card port (card host → SafeSign in production). */
  uzi: Pick<CardService, 'read' | 'sign'>;
  portal: SmartcardPortal;
  /** How this card profile sets the first user PIN (SO PIN from configuration, or a transport PIN). */
  pinAuthority: () => PinAuthority;
  /** One-reader mode: resolves when `card` is in `reader`. Not needed with two readers. */
  waitForCard?: (reader: string, card: 'uzi' | 'blank') => Promise<void>;
  sha256?: Sha256;
  appVersion: string;
}

export interface CreateSmartcardInput {
  uziReader: string;
  /** Reader name of the blank card; matched against the slot description, or the token label (SoftHSM). */
  blankReader: string;
  /** The new card PIN, entered twice. Both Buffers are zeroed before this returns. */
  pin: Buffer;
  pinRepeat: Buffer;
  /** Asked only when the UZI-pas must sign; zeroed by the card port. */
  uziPin: () => Promise<Buffer>;
}

export interface CreatedSmartcard {
  smartcardId: string;
  certificateDer: Buffer;
  chainDer: Buffer[];
  /** The UZI-pas signature token the portal accepted (no secrets in it). */
  token: HandoffToken;
}

const nodeSha256: Sha256 = (d) => new Uint8Array(createHash('sha256').update(d).digest());

/** The PIN rule of the ZORG-ID Smartcard: 6–8 digits, the two entries equal. Zeroes nothing. */
export function checkNewPin(pin: Buffer, pinRepeat: Buffer): void {
  if (pin.length !== pinRepeat.length || !timingSafeEqual(pin, pinRepeat)) throw new AppError('ERR_SMARTCARD_PIN_MISMATCH');
  if (!isSmartcardPin(pin)) throw new AppError('ERR_SMARTCARD_PIN_FORMAT');
}

/**
 * The token in a reader: the token labelled with the reader's name (a readerless module bound to that
 * reader: the card lab's SoftHSM-backed blank card, whose empty PIV applet OpenSC also lists), else
 * the one whose slot description contains the reader name (OpenSC, SafeSign). With `serial`, only
 * that very card: after a swap in one reader the UZI-pas sits where the blank card was, and it must
 * never be written to or rolled back.
 */
export async function slotForReader(tokens: Pick<SmartcardTokenAccess, 'listTokens'>, reader: string, serial?: string): Promise<{ slotId: string; serial: string }> {
  const all = (await tokens.listTokens()).filter((t) => serial === undefined || t.tokenSerial === serial);
  const byLabel = all.filter((t) => t.tokenLabel === reader);
  const pick = byLabel.length > 0 ? byLabel : all.filter((t) => t.description.includes(reader));
  if (pick.length > 1) throw new AppError('ERR_CARD_TOKEN_AMBIGUOUS', { reader });
  if (pick.length === 0) throw new AppError(serial === undefined ? 'ERR_CARD_NOT_PRESENT' : 'ERR_CARD_REMOVED', { reader });
  return { slotId: pick[0]!.slotId, serial: pick[0]!.tokenSerial };
}

/**
 * The holder's UZI-pas signs a create-smartcard handoff whose browser code is the CSR's hash, so the
 * portal certifies exactly this key for exactly this person.
 */
async function identifyWithUzi(
  deps: CreateSmartcardDeps,
  input: CreateSmartcardInput,
  csrDer: Buffer,
  sha256: Sha256,
): Promise<{ token: HandoffToken; requestId: string }> {
  const reading = await deps.uzi.read(input.uziReader);
  const auth = reading.certificates.find((c) => c.id === reading.authCertificateId);
  if (!auth) throw new AppError('ERR_CARD_NO_AUTH_CERTIFICATE', { reader: input.uziReader });
  const request = await deps.portal.createRequest();
  if (request.purpose !== 'create-smartcard' || request.origin !== deps.portal.origin) {
    throw new AppError('ERR_PORTAL_BAD_RESPONSE', { reason: 'request does not match' });
  }
  const bc = toBase64Url(sha256(csrDer));
  const browserCodeHash = hashBrowserCode(sha256, bc);
  const signed = handoffSignedDigest(sha256, { origin: request.origin, challenge: request.challenge, purpose: request.purpose, browserCodeHash });
  const signature = await deps.uzi.sign({
    reader: input.uziReader,
    certificateId: auth.id,
    mechanism: 'RSA_PKCS',
    data: Buffer.from(digestInfoFor(signed)),
    pin: await input.uziPin(),
  });
  const token = buildHandoffToken({
    purpose: 'create-smartcard',
    browserCodeHash,
    certificate: new Uint8Array(Buffer.from(auth.der, 'base64')),
    signature: new Uint8Array(signature),
    appVersion: deps.appVersion,
  });
  return { token, requestId: request.id };
}

export async function createSmartcard(
  deps: CreateSmartcardDeps,
  input: CreateSmartcardInput,
  onProgress: (p: SmartcardProgress) => void = () => {},
): Promise<CreatedSmartcard> {
  const sha256 = deps.sha256 ?? nodeSha256;
  const oneReader = input.uziReader === input.blankReader;
  const pin = input.pin;
  // Every token call zeroes the PIN it gets; each gets its own copy of ours.
  const pinCopy = () => secretCopy(pin);
  let current: SmartcardStep = 'detect-blank';
  let madeOnCard = false;
  let blankSerial: string | undefined;
  const at = (step: SmartcardStep) => ({ step, index: SMARTCARD_STEPS.indexOf(step), total: SMARTCARD_STEPS.length });
  const run = async <T>(step: SmartcardStep, fn: () => Promise<T>): Promise<T> => {
    current = step;
    onProgress({ ...at(step), status: 'running' });
    const value = await fn();
    onProgress({ ...at(step), status: 'done' });
    return value;
  };
  const swapTo = async (card: 'uzi' | 'blank') => {
    if (!oneReader) return;
    const reader = card === 'uzi' ? input.uziReader : input.blankReader;
    if (!deps.waitForCard) throw new AppError('ERR_INTERNAL', { reason: 'one reader needs waitForCard' });
    onProgress({ ...at(current), status: 'insert-card', card, reader });
    await deps.waitForCard(reader, card);
  };

  try {
    checkNewPin(pin, input.pinRepeat);
    input.pinRepeat.fill(0);

    const card = await run('detect-blank', async () => {
      const slot = await slotForReader(deps.blank, input.blankReader);
      const inspection = await deps.blank.inspectBlank(slot.slotId);
      if (!inspection.blank) {
        throw new AppError('ERR_SMARTCARD_NOT_BLANK', { certificates: inspection.certificates, publicKeys: inspection.publicKeys });
      }
      return slot;
    });
    blankSerial = card.serial;
    let slotId = card.slotId;

    await run('set-pin', () => deps.blank.setUserPin({ slotId, authority: deps.pinAuthority(), newPin: pinCopy() }));

    const key = await run('generate-key', async () => {
      madeOnCard = true;
      return deps.blank.generateKeyPair({ slotId, pin: pinCopy(), id: SMARTCARD_KEY_ID, label: SMARTCARD_PENDING_LABEL, bits: 2048 });
    });

    const csrDer = await run('build-csr', () =>
      buildCsr({
        spkiDer: key.spkiDer,
        commonName: 'ZORG-ID Smartcard',
        sign: (tbs) => deps.blank.signWithKey({ slotId, pin: pinCopy(), id: key.id, mechanism: 'SHA256_RSA_PKCS', data: tbs }),
      }),
    );

    const { token, requestId } = await run('identify-uzi', async () => {
      await swapTo('uzi');
      return identifyWithUzi(deps, input, csrDer, sha256);
    });

    const issued = await run('certify', async () => {
      const answer = await deps.portal.certify({ requestId, csrDer, token });
      const spki = new X509Certificate(answer.certificateDer).publicKey.export({ type: 'spki', format: 'der' });
      // The portal must certify OUR key; anything else would put a useless certificate on the card.
      if (!spki.equals(key.spkiDer)) throw new AppError('ERR_PORTAL_BAD_RESPONSE', { reason: 'certificate for another key' });
      return answer;
    });

    await run('write-certificate', async () => {
      await swapTo('blank');
      // After a swap the slot may be new (SoftHSM keeps it; OpenSC/SafeSign re-enumerate).
      slotId = (await slotForReader(deps.blank, input.blankReader, blankSerial)).slotId;
      await deps.blank.writeCertificate({ slotId, pin: pinCopy(), id: key.id, label: SMARTCARD_PENDING_LABEL, der: issued.certificateDer });
    });

    await run('test-signature', async () => {
      const message = Buffer.from(activationMessage(issued.smartcardId, issued.activationChallenge));
      const signature = await deps.blank.signWithKey({ slotId, pin: pinCopy(), id: key.id, mechanism: 'SHA256_RSA_PKCS', data: message });
      const publicKey = new X509Certificate(issued.certificateDer).publicKey;
      if (!verifySignature('sha256', message, publicKey, signature)) throw new AppError('ERR_SMARTCARD_VERIFY_FAILED');
      // The objects stop being leftovers before the activation, never after (header): the activation
      // is the last call, so no rollback can follow it.
      await deps.blank.finalise({ slotId, pin: pinCopy(), id: key.id, label: SMARTCARD_KEY_LABEL });
      await deps.portal.activate(issued.smartcardId, signature);
    });

    return { smartcardId: issued.smartcardId, certificateDer: issued.certificateDer, chainDer: issued.chainDer, token };
  } catch (err) {
    const error = err instanceof AppError ? err : new AppError('ERR_INTERNAL', { message: err instanceof Error ? err.message : String(err) }, { cause: err });
    let rolledBack = !madeOnCard;
    if (madeOnCard) rolledBack = await rollBack(deps, input.blankReader, blankSerial, pinCopy());
    onProgress({ ...at(current), status: 'failed', code: error.code, rolledBack });
    throw error;
  } finally {
    pin.fill(0);
    input.pinRepeat.fill(0);
  }
}

/** Best effort: the card may be gone (then generateKeyPair cleans the leftover next time). */
async function rollBack(deps: CreateSmartcardDeps, blankReader: string, serial: string | undefined, pin: Buffer): Promise<boolean> {
  try {
    const { slotId } = await slotForReader(deps.blank, blankReader, serial);
    await deps.blank.destroyObjects({ slotId, pin, id: SMARTCARD_KEY_ID });
    return true;
  } catch {
    return false;
  } finally {
    pin.fill(0);
  }
}
