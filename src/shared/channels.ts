import type { PinStatus, UziHolder } from './domain';
import type { ErrorCode } from './errors';
import type { HandoffPurpose } from '@zorgid/protocol';

// Channel and event names, plus the plain types and values the renderer needs — no zod — so the
// preload, the preview bridge and the renderer bundle do not carry the schemas. contract.ts proves at compile time that its table has exactly these keys.
export const CHANNELS = [
  'app:info',
  'card:readers',
  'card:read',
  'settings:get',
  'settings:set',
  'demo:insert',
  'demo:remove',
  'demo:scenario',
  'handoff:state',
  'handoff:confirm',
  'handoff:pin',
  'handoff:cancel',
  'handoff:dismiss',
  'smartcard:state',
  'smartcard:start',
  'smartcard:uzi-pin',
  'smartcard:card-ready',
  'smartcard:dismiss',
  'diagnostics:report',
  'diagnostics:save',
] as const;

export type Channel = (typeof CHANNELS)[number];

export const EVENTS = ['card:event', 'handoff:event', 'smartcard:event'] as const;
export type EventName = (typeof EVENTS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENTS as readonly string[]).includes(value);
}

/**
 * The demo cards the demo backend can insert (Z, N, M, the states the card screen must show, and a
 * blank and a created ZORG-ID Smartcard).
 */
export const DEMO_CARDS = ['Z', 'N', 'M', 'Z-expired', 'Z-not-yet-valid', 'unknown', 'SC-blank', 'SC'] as const;
export type DemoCardKey = (typeof DEMO_CARDS)[number];

export interface AppInfo {
  name: string;
  version: string;
  /** 'demo' = a demo card backend is behind the card port; 'real' = real readers only. */
  mode: 'demo' | 'real';
  /** What is behind the demo: the in-process card or the card lab's virtual card over PC/SC. */
  demoBackend: 'in-process' | 'card-lab' | null;
  platform: string;
}

export interface DemoScenario {
  /** Simulated state of the smart card service (pcscd). */
  service: 'up' | 'down';
  /** Simulated presence of the PKCS#11 middleware. */
  middleware: 'present' | 'missing';
  /** Number of connected demo readers. */
  readers: 0 | 1 | 2;
}


/** The contract's demo scenario at start: everything working, two readers. */
export const DEFAULT_DEMO_SCENARIO: DemoScenario = { service: 'up', middleware: 'present', readers: 2 };

/** Which portal asks for what (handoff-protocol.md §2): what the request screen shows. */
export interface HandoffRequestInfo {
  /** Identifies this flow on the screens (a per-flow counter, not the portal's request id). */
  flow: number;
  portal: string;
  purpose: HandoffPurpose;
  ura: string | null;
  expiresAt: string;
  /** validate-organisation / enrol-user: the organisation the portal names (back-channel, before any PIN). */
  organisation: { ura: string; name: string } | null;
}

/**
 * An enrolment QR on screen (handoff-protocol.md §7.3, §8.3): held in memory only, for as long as the
 * screen shows it. `qrDataUrl` is drawn by the app from the payload it checked.
 */
export interface EnrolmentQrView {
  qrDataUrl: string;
  /** The person who scans it. */
  name: string;
  organisation: { ura: string; name: string };
  /** ISO 8601 */
  expiresAt: string;
}

/** The handoff screens as a state the renderer draws; main sends every change as `handoff:event`. */
export type HandoffView =
  | { step: 'idle' }
  | { step: 'request'; request: HandoffRequestInfo }
  | { step: 'reading'; request: HandoffRequestInfo; reader: string }
  | {
      step: 'pin';
      request: HandoffRequestInfo;
      reader: string;
      holder: UziHolder | null;
      status: PinStatus;
      /** Set when the previous attempt failed (ERR_PIN_INCORRECT, ERR_PIN_FORMAT, ERR_PIN_TIMEOUT). */
      previousError: ErrorCode | null;
      /** Pinpad readers: when the reader stops waiting for the PIN (epoch ms). */
      pinpadDeadline: number | null;
    }
  | { step: 'signing'; request: HandoffRequestInfo; reader: string; pinpad: boolean; pinpadDeadline: number | null }
  /** validate-organisation: the token was accepted; the administrator continues in the browser. */
  | { step: 'waiting'; request: HandoffRequestInfo; holder: UziHolder | null; afterQr: boolean }
  | { step: 'enrolment'; request: HandoffRequestInfo; qr: EnrolmentQrView }
  | { step: 'done'; request: HandoffRequestInfo; holder: UziHolder | null; organisationActive?: boolean }
  | { step: 'cancelled'; request: HandoffRequestInfo }
  /** `holder`: the card refused before the PIN, so the screen can show organisation and card side by side. */
  | { step: 'failed'; request: HandoffRequestInfo; code: ErrorCode; holder?: UziHolder | null };

/**
 * The PIN lengths the PIN dialog and main accept: the UZI-pas PIN is 6–8 digits (uzi-domain.md),
 * narrowed further when the card says so; a card reporting something odd still gets 6–8.
 */
export function pinLengths(status: Pick<PinStatus, 'minLength' | 'maxLength'>): { min: number; max: number } {
  const min = Math.max(6, status.minLength || 6);
  const max = Math.min(8, status.maxLength || 8);
  return min <= max ? { min, max } : { min: 6, max: 8 };
}

/** The steps of ZORG-ID Smartcard creation, in order (core/enrol/create-smartcard.ts runs them as SMARTCARD_STEPS). */
export const SMARTCARD_SCREEN_STEPS = [
  'detect-blank',
  'set-pin',
  'generate-key',
  'build-csr',
  'identify-uzi',
  'certify',
  'write-certificate',
  'test-signature',
] as const;
export type SmartcardScreenStep = (typeof SMARTCARD_SCREEN_STEPS)[number];

export interface SmartcardStepState {
  step: SmartcardScreenStep;
  status: 'pending' | 'running' | 'done' | 'failed';
}

/** The "ZORG-ID Smartcard maken" screen as a state; the renderer asks `smartcard:state` while it runs. */
export type SmartcardView =
  | { step: 'idle' }
  | {
      step: 'running';
      flow: number;
      steps: SmartcardStepState[];
      /** One reader: the person swaps cards, then answers `smartcard:card-ready`. */
      swap: { card: 'uzi' | 'blank'; reader: string } | null;
      /** The UZI-pas must sign: the PIN dialog answers `smartcard:uzi-pin`. */
      uziPin: boolean;
    }
  /** `reader`: where the new Smartcard is (the card screen reads it again: it was blank when last read). */
  | { step: 'done'; flow: number; steps: SmartcardStepState[]; reader: string }
  | { step: 'failed'; flow: number; steps: SmartcardStepState[]; code: ErrorCode; rolledBack: boolean };

/** The diagnostics report as the Diagnose screen shows and saves it (issue 14). */
export interface DiagnosticsView {
  createdAt: string;
  text: string;
  json: string;
}

export type DiagnosticsFormat = 'text' | 'json';
