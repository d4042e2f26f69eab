// The only file that touches graphene-pk11 (PKCS#11). Calls are synchronous native calls: run this
// in the card host's token worker (token-worker.ts), never on a thread that must stay responsive.
import * as graphene from 'graphene-pk11';
import { AppError } from '../../../shared/errors';
import type { CertificateSummary, PinStatus } from '../../../shared/domain';
import { resolveModulePath } from '../../../../native/pkcs11-modules';
import { certificateFacts } from './certificate-usage';
import { createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { TokenAccess, TokenSignRequest, TokenSlot } from './token-access';
import { SMARTCARD_PENDING_LABEL, type BlankInspection, type KeyAttributes, type SmartcardTokenAccess } from './smartcard-token';

// CK_RV values (PKCS#11 v2.40 pkcs11t.h); pkcs11js reports them as `code` on its Pkcs11Error.
export const CKR = {
  CANCEL: 0x01,
  SLOT_ID_INVALID: 0x03,
  GENERAL_ERROR: 0x05,
  FUNCTION_FAILED: 0x06,
  DEVICE_ERROR: 0x30,
  DEVICE_MEMORY: 0x31,
  DEVICE_REMOVED: 0x32,
  FUNCTION_CANCELED: 0x50,
  KEY_HANDLE_INVALID: 0x60,
  KEY_SIZE_RANGE: 0x62,
  KEY_FUNCTION_NOT_PERMITTED: 0x68,
  MECHANISM_INVALID: 0x70,
  OBJECT_HANDLE_INVALID: 0x82,
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  SESSION_CLOSED: 0xb0,
  SESSION_HANDLE_INVALID: 0xb3,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  CRYPTOKI_NOT_INITIALIZED: 0x190,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

const CARD_GONE = new Set<number>([
  CKR.DEVICE_REMOVED,
  CKR.TOKEN_NOT_PRESENT,
  CKR.SESSION_HANDLE_INVALID,
  CKR.SESSION_CLOSED,
  CKR.SLOT_ID_INVALID,
]);

function ckrOf(err: unknown): { code: number; name: string; method: string } | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & { code?: unknown; method?: unknown };
  const method = typeof e.method === 'string' ? e.method : '';
  if (typeof e.code === 'number' && /^CKR_/.test(e.message)) return { code: e.code, name: e.message, method };
  // pkcs11js's own C_FindObjects wrapper lets the native error through unparsed: 'CKR_DEVICE_REMOVED:50'.
  const raw = /^(CKR_[A-Z0-9_]+):(\d+)$/.exec(e.message);
  return raw ? { code: Number(raw[2]), name: raw[1]!, method } : null;
}

/**
 * The one place CKR_* become our codes. `keyBits` lets a failed 4096-bit signature say why; `method`
 * names the call when pkcs11js does not (its C_Sign wrapper drops the name).
 */
export function toAppError(err: unknown, context: { keyBits?: number | null; method?: string } = {}): AppError {
  if (err instanceof AppError) return err;
  const found = ckrOf(err);
  if (!found) {
    return new AppError('ERR_CARD_MIDDLEWARE_FAILED', { message: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
  const ckr = { ...found, method: found.method || context.method || '' };
  const detail = { ckr: ckr.name, method: ckr.method };
  const as = (code: ConstructorParameters<typeof AppError>[0]) => new AppError(code, detail, { cause: err });
  if (CARD_GONE.has(ckr.code)) return as('ERR_CARD_REMOVED');
  switch (ckr.code) {
    case CKR.PIN_INCORRECT:
      return as('ERR_PIN_INCORRECT');
    case CKR.PIN_LOCKED:
      return as('ERR_PIN_LOCKED');
    case CKR.PIN_LEN_RANGE:
    case CKR.PIN_INVALID:
      return as('ERR_PIN_FORMAT');
    case CKR.FUNCTION_CANCELED:
    case CKR.CANCEL:
      return as('ERR_PIN_CANCELLED');
    case CKR.TOKEN_NOT_RECOGNIZED:
      return as('ERR_CARD_TOKEN_NOT_FOUND');
    case CKR.KEY_HANDLE_INVALID:
    case CKR.OBJECT_HANDLE_INVALID:
      return as('ERR_CARD_KEY_NOT_FOUND');
    case CKR.KEY_FUNCTION_NOT_PERMITTED:
      return as('ERR_CERT_KEY_USAGE');
    case CKR.CRYPTOKI_NOT_INITIALIZED:
    case CKR.CRYPTOKI_ALREADY_INITIALIZED:
      return as('ERR_CARD_MIDDLEWARE_FAILED');
    case CKR.DEVICE_ERROR:
    case CKR.FUNCTION_FAILED:
    case CKR.GENERAL_ERROR:
    case CKR.KEY_SIZE_RANGE:
      // SafeSign without extended APDUs fails a 512-byte RSA-4096 signature like this (uzi-domain.md).
      if (/C_Sign/.test(ckr.method) && (context.keyBits ?? 0) > 2048) return as('ERR_CARD_KEY_SIZE_UNSUPPORTED_BY_READER');
      return as(/C_Sign/.test(ckr.method) ? 'ERR_CARD_SIGN_FAILED' : 'ERR_CARD_UNKNOWN');
    case CKR.MECHANISM_INVALID:
      return as('ERR_CARD_SIGN_FAILED');
    default:
      return as('ERR_CARD_UNKNOWN');
  }
}

function pinStatus(token: graphene.Token): PinStatus {
  const f = token.flags;
  return {
    countLow: (f & graphene.TokenFlag.USER_PIN_COUNT_LOW) !== 0,
    finalTry: (f & graphene.TokenFlag.USER_PIN_FINAL_TRY) !== 0,
    locked: (f & graphene.TokenFlag.USER_PIN_LOCKED) !== 0,
    pinpad: (f & graphene.TokenFlag.PROTECTED_AUTHENTICATION_PATH) !== 0,
    minLength: token.minPinLen,
    maxLength: token.maxPinLen,
  };
}

const trim = (s: string) => s.replace(/[\s\0]+$/, '').trim();

// C_Initialize may run once per process (build-notes.md); a second path needs a new card host.
let loaded: { path: string; module: graphene.Module } | undefined;

/** The module this process loaded, if any (diagnostics: pkcs11-diagnose-adapter.ts). */
export const loadedModule = (): graphene.Module | undefined => loaded?.module;

/**
 * Loads and initialises the PKCS#11 module once per process. `configuredPath` from settings; when
 * empty, the per-OS SafeSign search list (native/pkcs11-modules.ts).
 */
export function openPkcs11(configuredPath: string | null | undefined, candidates?: readonly string[]): SmartcardTokenAccess {
  const path = resolveModulePath(configuredPath, candidates);
  if (!path) throw new AppError('ERR_CARD_MIDDLEWARE_MISSING', { configured: configuredPath ?? null });
  if (loaded && loaded.path !== path) {
    throw new AppError('ERR_CARD_MIDDLEWARE_FAILED', { reason: 'another module is already loaded in this process', loaded: loaded.path });
  }
  if (!loaded) {
    try {
      const module = graphene.Module.load(path, 'zorgid');
      module.initialize();
      loaded = { path, module };
    } catch (e) {
      throw new AppError('ERR_CARD_MIDDLEWARE_FAILED', { path, message: e instanceof Error ? e.message : String(e) }, { cause: e });
    }
  }
  return pkcs11TokenAccess(loaded.module);
}

function pkcs11TokenAccess(module: graphene.Module): SmartcardTokenAccess {
  const slots = (): graphene.Slot[] => {
    const list = module.getSlots(true);
    const out: graphene.Slot[] = [];
    for (let i = 0; i < list.length; i++) out.push(list.items(i));
    return out;
  };
  const slotById = (slotId: string): graphene.Slot => {
    const slot = slots().find((s) => s.handle.toString('hex') === slotId);
    // The slot list is fresh (C_GetSlotList), so a missing slot means the token went away.
    if (!slot) throw new AppError('ERR_CARD_REMOVED', { slotId });
    return slot;
  };

  const listCertificates = (session: graphene.Session, id?: string): CertificateSummary[] => {
    const found = session.find(
      id === undefined ? { class: graphene.ObjectClass.CERTIFICATE } : { class: graphene.ObjectClass.CERTIFICATE, id: Buffer.from(id, 'hex') },
    );
    const out: CertificateSummary[] = [];
    for (let i = 0; i < found.length; i++) {
      const attrs = found.items(i).getAttribute({ id: null, label: null, value: null }) as {
        id?: Buffer;
        label?: string;
        value?: Buffer;
      };
      const der = attrs.value ?? Buffer.alloc(0);
      let usage: CertificateSummary['usage'] = 'unknown';
      let keyBits: number | null = null;
      try {
        ({ usage, keyBits } = certificateFacts(der));
      } catch {
        // An object that is not a parsable certificate is listed as 'unknown'; never the auth cert.
      }
      out.push({ id: (attrs.id ?? Buffer.alloc(0)).toString('hex'), label: attrs.label ?? '', der: der.toString('base64'), usage, keyBits });
    }
    return out;
  };

  const base: TokenAccess = {
    async listTokens(): Promise<TokenSlot[]> {
      try {
        const out: TokenSlot[] = [];
        for (const slot of slots()) {
          const token = slot.getToken();
          // SoftHSM2 always offers one more, uninitialised token; it is nobody's card.
          if ((token.flags & graphene.TokenFlag.TOKEN_INITIALIZED) === 0) continue;
          out.push({
            slotId: slot.handle.toString('hex'),
            description: trim(slot.slotDescription),
            tokenLabel: trim(token.label),
            tokenSerial: trim(token.serialNumber),
            manufacturer: trim(token.manufacturerID),
            model: trim(token.model),
            pin: pinStatus(token),
          });
        }
        return out;
      } catch (e) {
        throw toAppError(e);
      }
    },

    async readCertificates(slotId: string): Promise<CertificateSummary[]> {
      let session: graphene.Session | undefined;
      try {
        session = slotById(slotId).open(graphene.SessionFlag.SERIAL_SESSION);
        return listCertificates(session);
      } catch (e) {
        throw toAppError(e);
      } finally {
        closeQuietly(session, false);
      }
    },

    async sign(req: TokenSignRequest): Promise<Buffer> {
      let session: graphene.Session | undefined;
      let loggedIn = false;
      let keyBits: number | null = null;
      let signing = false;
      try {
        const slot = slotById(req.slotId);
        const pin = pinStatus(slot.getToken());
        if (pin.locked) throw new AppError('ERR_PIN_LOCKED', { source: 'token flags' });
        // Check the length first: a PIN the token cannot accept must not cost an attempt.
        if (!pin.pinpad && (req.pin.length < pin.minLength || (pin.maxLength > 0 && req.pin.length > pin.maxLength))) {
          throw new AppError('ERR_PIN_FORMAT', { min: pin.minLength, max: pin.maxLength });
        }
        session = slot.open(graphene.SessionFlag.SERIAL_SESSION);
        const [cert] = listCertificates(session, req.certificateId);
        if (cert?.usage === 'signing') throw new AppError('ERR_CERT_KEY_USAGE', { reason: 'non-repudiation key' });
        keyBits = cert?.keyBits ?? null;
        // pkcs11js only takes the PIN as a JS string; it lives for this one call. A pinpad token gets an
        // empty PIN (length 0), which PKCS#11 middleware treats like a NULL pPin: the reader asks.
        const login = () => session!.login(pin.pinpad ? '' : req.pin.toString('utf8'), graphene.UserType.USER);
        try {
          login();
        } catch (e) {
          // A session left logged in by an earlier call must not let us sign without this PIN.
          if (ckrOf(e)?.code !== CKR.USER_ALREADY_LOGGED_IN) throw e;
          session.logout();
          login();
        }
        loggedIn = true;
        const keys = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, id: Buffer.from(req.certificateId, 'hex') });
        if (keys.length === 0) throw new AppError('ERR_CARD_KEY_NOT_FOUND', { certificateId: req.certificateId });
        const key = keys.items(0).toType<graphene.PrivateKey>();
        signing = true;
        return session.createSign(req.mechanism, key).once(req.data);
      } catch (e) {
        throw toAppError(e, { keyBits, method: signing ? 'C_Sign' : undefined });
      } finally {
        req.pin.fill(0);
        closeQuietly(session, loggedIn);
      }
    },

    async close(): Promise<void> {
      // C_Finalize only at process exit: finalising here would forbid a later C_Initialize (once per process).
    },
  };
  return { ...base, ...smartcardOps(slotById) };
}

// ---- ZORG-ID Smartcard creation (smartcard-token.ts) ---------------------------------------------

const RW = graphene.SessionFlag.SERIAL_SESSION | graphene.SessionFlag.RW_SESSION;

/** Logs out and closes whatever a call opened; the card may be gone, and the session is invalid either way. */
function closeQuietly(session: graphene.Session | undefined, loggedIn: boolean): void {
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
    session.login(pin.toString('utf8'), graphene.UserType.USER);
  } catch (e) {
    if (ckrOf(e)?.code !== CKR.USER_ALREADY_LOGGED_IN) throw e;
    session.logout();
    session.login(pin.toString('utf8'), graphene.UserType.USER);
  }
}

function smartcardOps(slotById: (slotId: string) => graphene.Slot): Omit<SmartcardTokenAccess, keyof TokenAccess> {
  /** One RW session, logged in as the user, for `fn`; PINs zeroed and the session closed whatever happens. */
  const asUser = <T>(slotId: string, pins: Buffer[], fn: (session: graphene.Session) => T, onError?: (e: unknown) => AppError): T => {
    let session: graphene.Session | undefined;
    let loggedIn = false;
    try {
      session = slotById(slotId).open(RW);
      userLogin(session, pins[0]!);
      loggedIn = true;
      return fn(session);
    } catch (e) {
      throw e instanceof AppError ? e : onError && !CARD_GONE.has(ckrOf(e)?.code ?? -1) ? onError(e) : toAppError(e);
    } finally {
      for (const p of pins) p.fill(0);
      closeQuietly(session, loggedIn);
    }
  };

  return {
    async inspectBlank(slotId): Promise<BlankInspection> {
      let session: graphene.Session | undefined;
      try {
        const slot = slotById(slotId);
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
    },

    async setUserPin({ slotId, authority, newPin }) {
      const authPin = authority.kind === 'so' ? authority.soPin : authority.transportPin;
      let session: graphene.Session | undefined;
      let loggedIn = false;
      try {
        if (!/^\d{6,8}$/.test(newPin.toString('utf8'))) throw new AppError('ERR_SMARTCARD_PIN_FORMAT');
        session = slotById(slotId).open(RW);
        if (authority.kind === 'so') {
          session.login(authPin.toString('utf8'), graphene.UserType.SO);
          loggedIn = true;
          session.initPin(newPin.toString('utf8'));
        } else {
          // C_SetPIN in an R/W public session changes the user PIN given the old (transport) one.
          session.setPin(authPin.toString('utf8'), newPin.toString('utf8'));
        }
      } catch (e) {
        throw toAppError(e);
      } finally {
        authPin.fill(0);
        newPin.fill(0);
        closeQuietly(session, loggedIn);
      }
    },

    async generateKeyPair({ slotId, pin, id, label, bits }) {
      return asUser(
        slotId,
        [pin],
        (session) => {
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
        },
        (e) => new AppError('ERR_SMARTCARD_KEYGEN_FAILED', { ckr: ckrOf(e)?.name ?? String(e) }, { cause: e }),
      );
    },

    async signWithKey({ slotId, pin, id, mechanism, data }) {
      return asUser(slotId, [pin], (session) => {
        const keys = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, id: Buffer.from(id, 'hex') });
        if (keys.length === 0) throw new AppError('ERR_CARD_KEY_NOT_FOUND', { id });
        return session.createSign(mechanism, keys.items(0).toType<graphene.PrivateKey>()).once(data);
      });
    },

    async writeCertificate({ slotId, pin, id, label, der }) {
      return asUser(
        slotId,
        [pin],
        (session) => {
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
        },
        (e) => new AppError('ERR_SMARTCARD_WRITE_FAILED', { ckr: ckrOf(e)?.name ?? String(e) }, { cause: e }),
      );
    },

    async readKeyAttributes({ slotId, pin, id }): Promise<KeyAttributes> {
      return asUser(slotId, [pin], (session) => {
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
      });
    },

    async finalise({ slotId, pin, id, label }) {
      return asUser(slotId, [pin], (session) => {
        for (const cls of KEY_AND_CERT_CLASSES) {
          const found = session.find({ class: cls, id: Buffer.from(id, 'hex') });
          for (let i = 0; i < found.length; i++) found.items(i).setAttribute({ label });
        }
      });
    },

    async destroyObjects({ slotId, pin, id }) {
      return asUser(slotId, [pin], (session) => {
        const ckaId = Buffer.from(id, 'hex');
        let n = 0;
        for (const cls of KEY_AND_CERT_CLASSES) n += session.destroy({ class: cls, id: ckaId });
        return n;
      });
    },
  };
}
