// A simulated ZORG-ID Mobile App for tests: it "scans" a QR code from a PNG (a screenshot of ZORG-ID
// Desktop or of the portal page), accepts only ZORG-ID payloads, activates a Mobiel ID with the birth
// date and a freshly generated device key pair (WebCrypto, key never leaves the fake device), and
// confirms login QR codes with that key. It talks to the portal over plain HTTP like the real app.
import { webcrypto } from 'node:crypto';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { z } from 'zod';
import { errorFamily, familyErrorClass } from '@zorgid/protocol';
import { ERROR_KINDS as PORTAL_ERROR_KINDS } from '../../portal/errors';
import { APP_ERROR_KINDS } from '../../src/shared/errors';

// The phone knows the portal's codes, plus one of its own for an answer it cannot read.
const mobileErrors = errorFamily({ ...PORTAL_ERROR_KINDS, ERR_PORTAL_BAD_RESPONSE: APP_ERROR_KINDS.ERR_PORTAL_BAD_RESPONSE });
const isErrorCode = mobileErrors.isCode;
class AppError extends familyErrorClass('MobileAppError', mobileErrors) {}

export type QrPayload = { kind: 'enrol' | 'login'; portal: string; code: string };

/** Exactly `zorgid://<kind>?portal=<origin>&code=<opaque>`: anything more could carry personal data. */
const PAYLOAD = /^zorgid:\/\/(enrol|login)\?portal=([^&#]{1,300})&code=([A-Za-z0-9_-]{22,64})$/;

const originSchema = z
  .string()
  .max(255)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'portal is not an origin');

export const qrPayloadSchema = z
  .string()
  .max(512)
  .transform((text, ctx): QrPayload => {
    const m = PAYLOAD.exec(text);
    let portal = '';
    try {
      portal = m ? decodeURIComponent(m[2]!) : '';
    } catch {
      portal = '';
    }
    if (!m || !originSchema.safeParse(portal).success) {
      ctx.addIssue({ code: 'custom', message: 'not a ZORG-ID QR payload' });
      return z.NEVER;
    }
    return { kind: m[1] as QrPayload['kind'], portal, code: m[3]! };
  });

export function parseQrPayload(text: string, expected?: QrPayload['kind']): QrPayload {
  const parsed = qrPayloadSchema.safeParse(text);
  if (!parsed.success || (expected && parsed.data.kind !== expected)) {
    throw new AppError('ERR_MOBILE_QR_INVALID', { expected: expected ?? 'any', got: text.slice(0, 40) });
  }
  return parsed.data;
}

/** The camera: the text of the one QR code in a PNG (screenshot or rendered image). */
export function decodeQrPng(png: Uint8Array): string {
  let image: PNG;
  try {
    image = PNG.sync.read(Buffer.from(png));
  } catch (cause) {
    throw new AppError('ERR_MOBILE_QR_INVALID', { reason: 'not a PNG' }, { cause });
  }
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!found) throw new AppError('ERR_MOBILE_QR_INVALID', { reason: 'no QR code in the image' });
  return found.data;
}

/** A data: URL of a PNG (as the portal hands out) to its bytes. */
export function pngFromDataUrl(dataUrl: string): Uint8Array {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
  if (!m) throw new AppError('ERR_MOBILE_QR_INVALID', { reason: 'not a PNG data URL' });
  return new Uint8Array(Buffer.from(m[1]!, 'base64'));
}

export type DeviceKeyType = 'ECDSA' | 'RSA';

export interface MobileIdentity {
  portal: string;
  mobileId: string;
  /** The user's ZORG-ID ID (shown in the app; an administrator types it to add the user elsewhere, §8.1). */
  zorgIdId: string | null;
  name: string;
  organisation: { ura: string; name: string };
  role: string;
  keyType: DeviceKeyType;
}

export interface MobileAppOptions {
  /** ECDSA P-256 (default, like a phone's secure enclave) or RSA-2048. */
  keyType?: DeviceKeyType;
  /** Portals the app will talk to; default: whichever a QR names. */
  trustedPortals?: string[];
}

type Source = { png: Uint8Array } | { payload: string };

const subtle = webcrypto.subtle;
const ALGORITHMS = {
  ECDSA: { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  RSA: {
    generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
} as const;

/** What the portal signs over for a login QR (handoff-protocol.md §7, written here independently of the portal). */
const loginMessage = (origin: string, code: string) => new TextEncoder().encode(`zorgid-mobile-login:1\n${origin}\n${code}`);
/** What the device signs to ask whether its ID is still usable (handoff-protocol.md §7.5). */
const statusMessage = (origin: string, mobileId: string, at: number) => new TextEncoder().encode(`zorgid-mobile-status:1\n${origin}\n${mobileId}\n${at}`);

/**
 * What the app shows before the person confirms a login QR (QR-jacking, issue 15 item 1): the portal
 * that asks, as that portal itself answers, and the code its page shows next to the QR.
 */
export interface LoginPrompt {
  portal: string;
  confirmCode: string;
  expiresAt: number;
}

/** The person's answer to the prompt: the code they confirm (they checked it against the page). */
export type ConfirmLogin = (prompt: LoginPrompt) => string | Promise<string>;

const loginPromptSchema = z.object({
  outcome: z.literal('prompt'),
  portal: originSchema,
  confirmCode: z.string().regex(/^\d{3} \d{3}$/),
  expiresAt: z.number().int(),
});

/** What "Jouw ID" shows: usable, or blocked/revoked with the portal's code (manual §7.5, figure 32). */
export interface IdStatus {
  mobileId: string;
  status: 'active' | 'blocked' | 'revoked';
  usable: boolean;
  code: string | null;
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const code = isErrorCode(json.code) ? json.code : 'ERR_PORTAL_BAD_RESPONSE';
    throw new AppError(code, { status: res.status, ...(typeof json.attemptsLeft === 'number' ? { attemptsLeft: json.attemptsLeft } : {}) });
  }
  return json;
}

export function createMobileApp(options: MobileAppOptions = {}) {
  const keyType = options.keyType ?? 'ECDSA';
  const identities: Array<MobileIdentity & { privateKey: webcrypto.CryptoKey }> = [];
  const scanned: string[] = [];
  const prompts: LoginPrompt[] = [];

  function scan(source: Source, kind: QrPayload['kind']): QrPayload {
    const text = 'png' in source ? decodeQrPng(source.png) : source.payload;
    scanned.push(text);
    const payload = parseQrPayload(text, kind);
    if (options.trustedPortals && !options.trustedPortals.includes(payload.portal)) {
      throw new AppError('ERR_MOBILE_QR_INVALID', { reason: 'untrusted portal', portal: payload.portal });
    }
    return payload;
  }

  function latest(portal?: string) {
    const identity = portal ? identities.findLast((i) => i.portal === portal) : identities.at(-1);
    if (!identity) throw new AppError('ERR_MOBILE_ID_UNKNOWN', { reason: 'no Mobiel ID on this device' });
    return identity;
  }

  return {
    /** Every QR text this device scanned, for tests that inspect what a QR carried. */
    scanned,
    /** Every login prompt this device showed (portal and confirmation code), before it confirmed. */
    prompts,
    identities: () => identities.map(({ privateKey: _key, ...rest }) => rest),

    /** Scan an enrolment QR, confirm the ID: birth date + a new device key → a Mobiel ID on the portal. */
    async enrol(source: Source, birthDate: string): Promise<MobileIdentity> {
      const payload = scan(source, 'enrol');
      const pair = (await subtle.generateKey(ALGORITHMS[keyType].generate, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const publicKey =
        keyType === 'ECDSA'
          ? { jwk: await subtle.exportKey('jwk', pair.publicKey) }
          : { spki: Buffer.from(await subtle.exportKey('spki', pair.publicKey)).toString('base64') };
      const answer = z
        .object({
          outcome: z.literal('enrolled'),
          mobileId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
          zorgIdId: z.string().optional(),
          name: z.string(),
          organisation: z.object({ ura: z.string(), name: z.string() }),
          role: z.string(),
        })
        .parse(await postJson(`${payload.portal}/api/mobile/enrol`, { code: payload.code, birthDate, publicKey }));
      const identity = {
        portal: payload.portal,
        mobileId: answer.mobileId,
        zorgIdId: answer.zorgIdId ?? null,
        name: answer.name,
        organisation: answer.organisation,
        role: answer.role,
        keyType,
      };
      identities.push({ ...identity, privateKey: pair.privateKey });
      return identity;
    },

    /** "Jouw ID": asks the portal, signed with the device key, whether the newest ID (of `portal`) is usable. */
    async idStatus(portal?: string, at = Date.now()): Promise<IdStatus> {
      const identity = latest(portal);
      const signature = new Uint8Array(await subtle.sign(ALGORITHMS[identity.keyType].sign, identity.privateKey, statusMessage(identity.portal, identity.mobileId, at)));
      const answer = z
        .object({ status: z.enum(['active', 'blocked', 'revoked']), usable: z.boolean(), code: z.string().optional() })
        .parse(await postJson(`${identity.portal}/api/mobile/id-status`, { mobileId: identity.mobileId, at, signature: Buffer.from(signature).toString('base64url') }));
      return { mobileId: identity.mobileId, status: answer.status, usable: answer.usable, code: answer.code ?? null };
    },

    /**
     * Scan the portal's login QR, show which portal asks and its confirmation code (kept in
     * `prompts`), and confirm with the device key of this portal's Mobiel ID and the code the person
     * chose: by default the one shown, as a person does who found it matches the page.
     */
    async login(source: Source, confirm: ConfirmLogin = (prompt) => prompt.confirmCode): Promise<LoginPrompt> {
      const payload = scan(source, 'login');
      const identity = identities.findLast((i) => i.portal === payload.portal);
      if (!identity) throw new AppError('ERR_MOBILE_ID_UNKNOWN', { reason: 'no Mobiel ID for this portal on this device' });
      const prompt = loginPromptSchema.parse(await postJson(`${payload.portal}/api/mobile/login-prompt`, { code: payload.code }));
      // The portal the phone talks to must name itself as the one in the QR.
      if (prompt.portal !== payload.portal) throw new AppError('ERR_MOBILE_QR_INVALID', { reason: 'portal mismatch', portal: prompt.portal });
      const shown: LoginPrompt = { portal: prompt.portal, confirmCode: prompt.confirmCode, expiresAt: prompt.expiresAt };
      prompts.push(shown);
      const confirmCode = await confirm(shown);
      const signature = new Uint8Array(await subtle.sign(ALGORITHMS[identity.keyType].sign, identity.privateKey, loginMessage(payload.portal, payload.code)));
      z.object({ outcome: z.literal('ok') }).parse(
        await postJson(`${payload.portal}/api/mobile/login`, { code: payload.code, mobileId: identity.mobileId, signature: Buffer.from(signature).toString('base64url'), confirmCode }),
      );
      return shown;
    },
  };
}

export type MobileApp = ReturnType<typeof createMobileApp>;
