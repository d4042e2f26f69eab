// ZORG-ID Smartcard creation on a blank token (smartcard-token.ts) through graphene-pk11: the half of
// the PKCS#11 adapter that writes to tokens. Same rules as pkcs11-adapter.ts: synchronous native
// calls, run only in the card host's token worker.
import * as graphene from 'graphene-pk11';
import { createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { AppError } from '../../../shared/errors';
import { CARD_GONE, CKR, ckrOf, toAppError } from './pkcs11-errors';
import { changePin, initUserPin, loginWithPin } from './pkcs11-pin-adapter';
import type { TokenAccess } from './token-access';
import {
  SMARTCARD_PENDING_LABEL,
  isSmartcardPin,
  type BlankInspection,
  type GenerateKeyRequest,
  type GeneratedKey,
  type KeyAttributes,
  type KeySignRequest,
  type SetPinRequest,
  type SmartcardTokenAccess,
  type WriteCertificateRequest,
} from './smartcard-token';

const RW = graphene.SessionFlag.SERIAL_SESSION | graphene.SessionFlag.RW_SESSION;

/** Logs out and closes whatever a call opened; the card may be gone, and the session is invalid either way. */
export function closeQuietly(session: graphene.Session | undefined, loggedIn: boolean): void {
  try {
    if (loggedIn) session?.logout();
  } catch {
    /* card gone: nothing to log out of */
  }
  try {
    session?.close();
  } catch {
    /* idem */
  }
}

const count = (session: graphene.Session, template: graphene.ITemplate): number => session.find(template).length;
const pending = (cls: number): graphene.ITemplate => ({ class: cls, label: SMARTCARD_PENDING_LABEL });
const KEY_AND_CERT_CLASSES = [graphene.ObjectClass.CERTIFICATE, graphene.ObjectClass.PRIVATE_KEY, graphene.ObjectClass.PUBLIC_KEY];

function userLogin(session: graphene.Session, pin: Buffer): void {
  try {
    loginWithPin(session, graphene.UserType.USER, pin);
  } catch (e) {
    if (ckrOf(e)?.code !== CKR.USER_ALREADY_LOGGED_IN) throw e;
    session.logout();
    loginWithPin(session, graphene.UserType.USER, pin);
  }
}

/** What every token operation here needs: the slot of an id, fresh from C_GetSlotList. */
interface SmartcardContext {
  slotById: (slotId: string) => graphene.Slot;
}

/** One RW session, logged in as the user, for `fn`; PINs zeroed and the session closed whatever happens. */
function asUser<T>(ctx: SmartcardContext, slotId: string, pins: Buffer[], fn: (session: graphene.Session) => T, onError?: (e: unknown) => AppError): T {
  let session: graphene.Session | undefined;
  let loggedIn = false;
  try {
    session = ctx.slotById(slotId).open(RW);
    userLogin(session, pins[0]!);
    loggedIn = true;
    return fn(session);
  } catch (e) {
    throw e instanceof AppError ? e : onError && !CARD_GONE.has(ckrOf(e)?.code ?? -1) ? onError(e) : toAppError(e);
  } finally {
    for (const p of pins) p.fill(0);
    closeQuietly(session, loggedIn);
  }
}

function inspectBlank(ctx: SmartcardContext, slotId: string): BlankInspection {
  let session: graphene.Session | undefined;
  try {
    const slot = ctx.slotById(slotId);
    const flags = slot.getToken().flags;
    session = slot.open(graphene.SessionFlag.SERIAL_SESSION);
    const certificates = count(session, { class: graphene.ObjectClass.CERTIFICATE });
    const publicKeys = count(session, { class: graphene.ObjectClass.PUBLIC_KEY });
    const dataObjects = count(session, { class: graphene.ObjectClass.DATA });
    const leftoverObjects = count(session, pending(graphene.ObjectClass.CERTIFICATE)) + count(session, pending(graphene.ObjectClass.PUBLIC_KEY));
    const initialised = (flags & graphene.TokenFlag.TOKEN_INITIALIZED) !== 0;
    return {
      slotId,
      blank: initialised && dataObjects === 0 && certificates + publicKeys === leftoverObjects,
      userPinInitialised: (flags & graphene.TokenFlag.USER_PIN_INITIALIZED) !== 0,
      certificates,
      publicKeys,
      leftoverObjects,
      dataObjects,
    };
  } catch (e) {
    throw toAppError(e);
  } finally {
    closeQuietly(session, false);
  }
}

function setUserPin(ctx: SmartcardContext, { slotId, authority, newPin }: SetPinRequest): void {
  const authPin = authority.kind === 'so' ? authority.soPin : authority.transportPin;
  let session: graphene.Session | undefined;
  let loggedIn = false;
  try {
    if (!isSmartcardPin(newPin)) throw new AppError('ERR_SMARTCARD_PIN_FORMAT');
    session = ctx.slotById(slotId).open(RW);
    if (authority.kind === 'so') {
      loginWithPin(session, graphene.UserType.SO, authPin);
      loggedIn = true;
      initUserPin(session, newPin);
    } else {
      // C_SetPIN in an R/W public session changes the user PIN given the old (transport) one.
      changePin(session, authPin, newPin);
    }
  } catch (e) {
    throw toAppError(e);
  } finally {
    authPin.fill(0);
    newPin.fill(0);
    closeQuietly(session, loggedIn);
  }
}

/** Generates the RSA key pair on the card (logged-in session) and returns its public key as SPKI DER. */
function generateRsaKeyPair(session: graphene.Session, { id, label, bits }: GenerateKeyRequest): GeneratedKey {
  // Leftovers of an interrupted creation go; anything else (the logged-in view also shows
  // private keys) means the card is not blank.
  for (const cls of KEY_AND_CERT_CLASSES) session.destroy(pending(cls));
  const remaining = KEY_AND_CERT_CLASSES.reduce((n, cls) => n + count(session, { class: cls }), 0);
  if (remaining > 0) throw new AppError('ERR_SMARTCARD_NOT_BLANK', { objects: remaining });
  const ckaId = Buffer.from(id, 'hex');
  const keys = session.generateKeyPair(
    'RSA_PKCS_KEY_PAIR_GEN',
    {
      keyType: graphene.KeyType.RSA,
      token: true,
      private: false,
      id: ckaId,
      label,
      verify: true,
      encrypt: false,
      wrap: false,
      modulusBits: bits,
      publicExponent: Buffer.from([1, 0, 1]),
    },
    {
      keyType: graphene.KeyType.RSA,
      token: true,
      private: true,
      // The key never leaves the card: sensitive, not extractable (checked by a test).
      sensitive: true,
      extractable: false,
      id: ckaId,
      label,
      sign: true,
      decrypt: false,
      unwrap: false,
      derive: false,
    },
  );
  const { modulus, publicExponent } = keys.publicKey.getAttribute({ modulus: null, publicExponent: null }) as {
    modulus: Buffer;
    publicExponent: Buffer;
  };
  const spkiDer = createPublicKey({
    key: { kty: 'RSA', n: modulus.toString('base64url'), e: publicExponent.toString('base64url') },
    format: 'jwk',
  }).export({ type: 'spki', format: 'der' });
  return { id, spkiDer };
}

function signWithPrivateKey(session: graphene.Session, { id, mechanism, data }: KeySignRequest): Buffer {
  const keys = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, id: Buffer.from(id, 'hex') });
  if (keys.length === 0) throw new AppError('ERR_CARD_KEY_NOT_FOUND', { id });
  return session.createSign(mechanism, keys.items(0).toType<graphene.PrivateKey>()).once(data);
}

function createCertificateObject(session: graphene.Session, { id, label, der }: WriteCertificateRequest): void {
  session.create({
    class: graphene.ObjectClass.CERTIFICATE,
    certType: graphene.CertificateType.X_509,
    token: true,
    private: false,
    id: Buffer.from(id, 'hex'),
    label,
    subject: Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, Certificate).tbsCertificate.subject)),
    value: der,
  });
}

function keyAttributes(session: graphene.Session, id: string): KeyAttributes {
  const keys = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, id: Buffer.from(id, 'hex') });
  if (keys.length === 0) throw new AppError('ERR_CARD_KEY_NOT_FOUND', { id });
  const a = keys.items(0).getAttribute({
    sensitive: null,
    extractable: null,
    alwaysSensitive: null,
    neverExtractable: null,
    private: null,
    sign: null,
    token: null,
  }) as Omit<KeyAttributes, 'modulusBits'>;
  const pubs = session.find({ class: graphene.ObjectClass.PUBLIC_KEY, id: Buffer.from(id, 'hex') });
  const modulusBits = pubs.length > 0 ? ((pubs.items(0).getAttribute({ modulusBits: null }) as { modulusBits: number }).modulusBits ?? 0) : 0;
  return { ...a, modulusBits };
}

function relabelObjects(session: graphene.Session, id: string, label: string): void {
  for (const cls of KEY_AND_CERT_CLASSES) {
    const found = session.find({ class: cls, id: Buffer.from(id, 'hex') });
    for (let i = 0; i < found.length; i++) found.items(i).setAttribute({ label });
  }
}

function destroyById(session: graphene.Session, id: string): number {
  const ckaId = Buffer.from(id, 'hex');
  let n = 0;
  for (const cls of KEY_AND_CERT_CLASSES) n += session.destroy({ class: cls, id: ckaId });
  return n;
}

export function smartcardOps(slotById: (slotId: string) => graphene.Slot): Omit<SmartcardTokenAccess, keyof TokenAccess> {
  const ctx: SmartcardContext = { slotById };
  return {
    async inspectBlank(slotId): Promise<BlankInspection> {
      return inspectBlank(ctx, slotId);
    },

    async setUserPin(req) {
      setUserPin(ctx, req);
    },

    async generateKeyPair(req) {
      return asUser(
        ctx,
        req.slotId,
        [req.pin],
        (session) => generateRsaKeyPair(session, req),
        (e) => new AppError('ERR_SMARTCARD_KEYGEN_FAILED', { ckr: ckrOf(e)?.name ?? String(e) }, { cause: e }),
      );
    },

    async signWithKey(req) {
      return asUser(ctx, req.slotId, [req.pin], (session) => signWithPrivateKey(session, req));
    },

    async writeCertificate(req) {
      return asUser(
        ctx,
        req.slotId,
        [req.pin],
        (session) => createCertificateObject(session, req),
        (e) => new AppError('ERR_SMARTCARD_WRITE_FAILED', { ckr: ckrOf(e)?.name ?? String(e) }, { cause: e }),
      );
    },

    async readKeyAttributes({ slotId, pin, id }): Promise<KeyAttributes> {
      return asUser(ctx, slotId, [pin], (session) => keyAttributes(session, id));
    },

    async finalise({ slotId, pin, id, label }) {
      return asUser(ctx, slotId, [pin], (session) => relabelObjects(session, id, label));
    },

    async destroyObjects({ slotId, pin, id }) {
      return asUser(ctx, slotId, [pin], (session) => destroyById(session, id));
    },
  };
}
