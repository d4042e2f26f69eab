// What the card host reports for the diagnostics report (issue 14 part 2). Plain data, JSON-safe, and
// free of personal data by construction: token serials, certificate serials and subjects are never
// read into it; labels and descriptions pass scrubLabel.
import type { CardFamily, CardType } from '../../../shared/domain';

export type PinState = 'ok' | 'count-low' | 'final-try' | 'locked';

/** C_GetInfo, slots and tokens of one loaded module (pkcs11-diagnose-adapter.ts). */
export interface ModuleInfo {
  manufacturer: string;
  description: string;
  libraryVersion: string;
  cryptokiVersion: string;
  slots: SlotInfo[];
}

export interface SlotInfo {
  slotId: string;
  description: string;
  tokenPresent: boolean;
  token: TokenInfo | null;
}

export interface TokenInfo {
  label: string;
  manufacturer: string;
  model: string;
  /** CKF_* token flag names. */
  flags: string[];
  pin: PinState;
  /** Filled by the card host after the worker answered. */
  certificates: CertificateFacts[];
}

export interface CertificateFacts {
  usage: 'authentication' | 'signing' | 'encryption' | 'unknown';
  /** UZI pastype from the otherName; null for a ZORG-ID Smartcard or another certificate. */
  pastype: CardType | null;
  keyType: string;
  keyBits: number | null;
  notBefore: string;
  notAfter: string;
  /** The issuing CA's common name (not the holder's). */
  issuer: string;
}

export interface ModuleDiagnosis {
  /** 'u' = the UZI-pas middleware, 's' = the Smartcard module (token-sources.ts keys). */
  role: 'uzi' | 'smartcard';
  configured: string | null;
  /** Every path looked at, in order, and whether a file is there. */
  tried: { path: string; exists: boolean }[];
  resolved: string | null;
  loaded: boolean;
  error: string | null;
  info: ModuleInfo | null;
}

export type RecognisedCard = 'UZI-pas Z' | 'UZI-pas N' | 'UZI-pas M' | 'UZI-pas S' | 'UZI-pas' | 'ZORG-ID Smartcard' | 'blank card' | 'unknown';

export interface ReaderDiagnosis {
  name: string;
  present: boolean;
  atr: string | null;
  family: CardFamily | null;
  recognised: RecognisedCard | null;
}

export interface HostDiagnosis {
  pcsc: { enabled: boolean; reachable: boolean; error: string | null };
  readers: ReaderDiagnosis[];
  modules: ModuleDiagnosis[];
}

/**
 * Labels and descriptions come from the token and may carry what the issuer put there (a demo token is
 * labelled "UZI-pas <UZI-nummer>"): every run of 6+ digits and every known holder string is masked.
 */
export function scrubLabel(text: string, holderStrings: readonly string[] = []): string {
  let out = text;
  for (const s of holderStrings) if (s.length >= 3) out = out.split(s).join('•'.repeat(Math.min(s.length, 8)));
  return out.replace(/\d{6,}/g, (m) => '#'.repeat(m.length));
}

/** ATR family + what the certificates say → the card type shown. */
export function recogniseCard(family: CardFamily | null, token: TokenInfo | null): RecognisedCard {
  const pastype = token?.certificates.find((c) => c.usage === 'authentication' && c.pastype)?.pastype ?? token?.certificates.find((c) => c.pastype)?.pastype;
  if (pastype) return `UZI-pas ${pastype}`;
  if (family === 'zorgid-smartcard') return token && token.certificates.length === 0 ? 'blank card' : 'ZORG-ID Smartcard';
  if (token && token.certificates.length === 0 && token.flags.includes('TOKEN_INITIALIZED')) return 'blank card';
  if (family === 'uzi') return 'UZI-pas';
  return 'unknown';
}
