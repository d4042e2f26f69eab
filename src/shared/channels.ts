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
] as const;

export type Channel = (typeof CHANNELS)[number];

export const EVENTS = ['card:event'] as const;
export type EventName = (typeof EVENTS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENTS as readonly string[]).includes(value);
}

/** The demo cards the demo backend can insert (Z, N, M and the states the card screen must show). */
export const DEMO_CARDS = ['Z', 'N', 'M', 'Z-expired', 'Z-not-yet-valid', 'unknown'] as const;
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
