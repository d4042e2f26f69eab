// The only file that touches graphene-pk11 (PKCS#11). Calls are synchronous native calls: run this
// in the card host's token worker (token-worker.ts), never on a thread that must stay responsive.
import * as graphene from 'graphene-pk11';
import { AppError } from '../../../shared/errors';
import type { CertificateSummary, PinStatus } from '../../../shared/domain';
import { resolveModulePath } from '../../../../native/pkcs11-modules';
import { certificateFacts } from './certificate-usage';
import { createHash } from 'node:crypto';
import { CKR, ckrOf, toAppError } from './pkcs11-errors';
import { closeQuietly, smartcardOps } from './pkcs11-smartcard-adapter';
import { loginWithPin } from './pkcs11-pin-adapter';
import type { TokenAccess, TokenSignRequest, TokenSlot } from './token-access';
import type { SmartcardTokenAccess } from './smartcard-token';

export { CKR, toAppError } from './pkcs11-errors';

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

// Usage and key size of the certificates parsed so far, per slot: parsing a certificate costs about
// as much as the signature (~1.4 ms on SoftHSM2), and the sign path checks its key's certificate
// every time. Keyed by the DER's SHA-256, so another card's certificate under the same CKA_ID is
// parsed anew; nothing personal (no name, no number) is kept, and a slot's entry goes when an
// enumeration finds its token gone or replaced.
type Facts = Pick<CertificateSummary, 'usage' | 'keyBits'>;
// `byId`: CKA_ID → facts of the certificate last seen under it in this slot, so a signature need not
// read the certificate again while the slot holds the same token.
type SlotFacts = { serial: string; facts: Map<string, Facts>; byId: Map<string, Facts> };

/** What every token operation needs: the loaded module and the certificate facts parsed so far. */
interface Pkcs11Context {
  module: graphene.Module;
  parsed: Map<string, SlotFacts>;
}

function slots(ctx: Pkcs11Context): graphene.Slot[] {
  const list = ctx.module.getSlots(true);
  const out: graphene.Slot[] = [];
  for (let i = 0; i < list.length; i++) out.push(list.items(i));
  return out;
}

function slotById(ctx: Pkcs11Context, slotId: string): graphene.Slot {
  const slot = slots(ctx).find((s) => s.handle.toString('hex') === slotId);
  // The slot list is fresh (C_GetSlotList), so a missing slot means the token went away.
  if (!slot) throw new AppError('ERR_CARD_REMOVED', { slotId });
  return slot;
}

function factsOf(ctx: Pkcs11Context, slotId: string, der: Buffer, id?: string): Facts {
  let slotFacts = ctx.parsed.get(slotId);
  if (!slotFacts) ctx.parsed.set(slotId, (slotFacts = { serial: '', facts: new Map(), byId: new Map() }));
  const key = createHash('sha256').update(der).digest('hex');
  let facts = slotFacts.facts.get(key);
  if (!facts) {
    facts = { usage: 'unknown', keyBits: null };
    try {
      const { usage, keyBits } = certificateFacts(der);
      facts = { usage, keyBits };
    } catch {
      // An object that is not a parsable certificate is listed as 'unknown'; never the auth cert.
    }
    slotFacts.facts.set(key, facts);
  }
  if (id !== undefined) slotFacts.byId.set(id, facts);
  return facts;
}

function forgetGoneSlots(ctx: Pkcs11Context, present: ReadonlyMap<string, string>): void {
  for (const [slotId, entry] of ctx.parsed) {
    const serial = present.get(slotId);
    if (serial === undefined) ctx.parsed.delete(slotId);
    else if (entry.serial === '') entry.serial = serial;
    else if (entry.serial !== serial) ctx.parsed.set(slotId, { serial, facts: new Map(), byId: new Map() });
  }
}

const certificateObjects = (session: graphene.Session, id?: string) =>
  session.find(id === undefined ? { class: graphene.ObjectClass.CERTIFICATE } : { class: graphene.ObjectClass.CERTIFICATE, id: Buffer.from(id, 'hex') });

function listCertificates(ctx: Pkcs11Context, slotId: string, session: graphene.Session): CertificateSummary[] {
  const found = certificateObjects(session);
  const out: CertificateSummary[] = [];
  for (let i = 0; i < found.length; i++) {
    const attrs = found.items(i).getAttribute({ id: null, label: null, value: null }) as {
      id?: Buffer;
      label?: string;
      value?: Buffer;
    };
    const der = attrs.value ?? Buffer.alloc(0);
    const id = (attrs.id ?? Buffer.alloc(0)).toString('hex');
    out.push({ id, label: attrs.label ?? '', der: der.toString('base64'), ...factsOf(ctx, slotId, der, id) });
  }
  return out;
}

function listTokens(ctx: Pkcs11Context): TokenSlot[] {
  try {
    const out: TokenSlot[] = [];
    const present = new Map<string, string>();
    for (const slot of slots(ctx)) {
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
      present.set(out.at(-1)!.slotId, out.at(-1)!.tokenSerial);
    }
    forgetGoneSlots(ctx, present);
    return out;
  } catch (e) {
    throw toAppError(e);
  }
}

function readCertificates(ctx: Pkcs11Context, slotId: string): CertificateSummary[] {
  let session: graphene.Session | undefined;
  try {
    session = slotById(ctx, slotId).open(graphene.SessionFlag.SERIAL_SESSION);
    return listCertificates(ctx, slotId, session);
  } catch (e) {
    throw toAppError(e);
  } finally {
    closeQuietly(session, false);
  }
}

/** Facts of the certificate under `req.certificateId`: from the cache, else read from the card. */
function signingCertificateFacts(ctx: Pkcs11Context, session: graphene.Session, req: TokenSignRequest): Facts | undefined {
  let cert = ctx.parsed.get(req.slotId)?.byId.get(req.certificateId);
  if (!cert) {
    const certs = certificateObjects(session, req.certificateId);
    const der = certs.length > 0 ? (certs.items(0).getAttribute({ value: null }) as { value?: Buffer }).value : undefined;
    cert = der ? factsOf(ctx, req.slotId, der, req.certificateId) : undefined;
  }
  return cert;
}

function sign(ctx: Pkcs11Context, req: TokenSignRequest): Buffer {
  let session: graphene.Session | undefined;
  let loggedIn = false;
  let keyBits: number | null = null;
  let signing = false;
  try {
    const slot = slotById(ctx, req.slotId);
    const pin = req.pinStatus ?? pinStatus(slot.getToken());
    if (pin.locked) throw new AppError('ERR_PIN_LOCKED', { source: 'token flags' });
    // Check the length first: a PIN the token cannot accept must not cost an attempt.
    if (!pin.pinpad && (req.pin.length < pin.minLength || (pin.maxLength > 0 && req.pin.length > pin.maxLength))) {
      throw new AppError('ERR_PIN_FORMAT', { min: pin.minLength, max: pin.maxLength });
    }
    session = slot.open(graphene.SessionFlag.SERIAL_SESSION);
    const cert = signingCertificateFacts(ctx, session, req);
    if (cert?.usage === 'signing') throw new AppError('ERR_CERT_KEY_USAGE', { reason: 'non-repudiation key' });
    keyBits = cert?.keyBits ?? null;
    // The PIN's bytes in place (pkcs11-pin-adapter.ts), never a JS string. A pinpad token gets a
    // NULL pPin: the reader asks.
    const login = () => loginWithPin(session!, graphene.UserType.USER, pin.pinpad ? null : req.pin);
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
}

function pkcs11TokenAccess(module: graphene.Module): SmartcardTokenAccess {
  const ctx: Pkcs11Context = { module, parsed: new Map() };
  const base: TokenAccess = {
    async listTokens(): Promise<TokenSlot[]> {
      return listTokens(ctx);
    },

    async readCertificates(slotId: string): Promise<CertificateSummary[]> {
      return readCertificates(ctx, slotId);
    },

    async sign(req: TokenSignRequest): Promise<Buffer> {
      return sign(ctx, req);
    },

    async close(): Promise<void> {
      // C_Finalize only at process exit: finalising here would forbid a later C_Initialize (once per process).
    },
  };
  return { ...base, ...smartcardOps((slotId) => slotById(ctx, slotId)) };
}
