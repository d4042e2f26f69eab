// The login QR (portal-rules.md §3, handoff-protocol.md §7) and what keeps it from being relayed to
// someone else's phone (QR-jacking, issue 15 item 1): next to the QR the page shows a short
// confirmation code. Before the person confirms, the Mobile App asks this portal which portal asks and
// which code (`POST /api/mobile/login-prompt`), shows both, and sends the code back with its signed
// confirmation. One wrong code voids the QR, so the code cannot be guessed.
import QRCode from 'qrcode';
import { z } from 'zod';
import type { PortalStore, SessionRecord } from './store/store';

export const LOGIN_QR_TTL_MS = 5 * 60_000;

/** Six decimal digits, shown as two groups of three ("123 456"). */
export const CONFIRM_CODE_DIGITS = 6;

/**
 * A fresh confirmation code from the injected rng: 8 bytes modulo 10^6, whose bias (below 10^-13)
 * no attacker with one try per QR can use; no rejection loop, so a fixed test rng cannot hang it.
 */
export function newConfirmCode(rng: (bytes: number) => Uint8Array): string {
  const bytes = rng(8);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return (n % 10n ** BigInt(CONFIRM_CODE_DIGITS)).toString().padStart(CONFIRM_CODE_DIGITS, '0');
}

/** "123456" → "123 456": how the page and the app show it. */
export const formatConfirmCode = (code: string): string => `${code.slice(0, 3)} ${code.slice(3)}`;

/** What the phone sends: the six digits, with or without the space the person saw. */
export const confirmCodeSchema = z
  .string()
  .regex(/^\d{3} ?\d{3}$/)
  .transform((text) => text.replace(' ', ''));

export interface LoginQrDeps {
  store: PortalStore;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  origin: () => string;
}

export interface NewLoginQr {
  code: string;
  payload: string;
  dataUrl: string;
  /** As shown on the page, "123 456". */
  confirmCode: string;
  expiresAt: number;
  now: number;
}

export async function newLoginQr(deps: LoginQrDeps, session: SessionRecord): Promise<NewLoginQr> {
  const code = Buffer.from(deps.rng(18)).toString('base64url');
  const confirmCode = newConfirmCode(deps.rng);
  const now = deps.clock();
  const expiresAt = now + LOGIN_QR_TTL_MS;
  await deps.store.createLoginQr({ code, session: session.id, createdAt: now, expiresAt, confirmCode });
  // Opaque: the portal origin and a random code, nothing about the person (handoff-protocol.md §7).
  // The confirmation code is not in it: the phone asks the portal the QR names (login-prompt), so
  // the payload's strict format stays as it was.
  const payload = `zorgid://login?portal=${encodeURIComponent(deps.origin())}&code=${code}`;
  const dataUrl = await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  return { code, payload, dataUrl, confirmCode: formatConfirmCode(confirmCode), expiresAt, now };
}
