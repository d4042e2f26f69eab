// The one IPC contract: every channel once, with the zod schema of its input and the type of its result.
// Both hosts (Electron IPC, preview HTTP) dispatch through it; the preload and the preview bridge expose
// exactly `ZorgidApi` as `window.zorgid`.
import { z } from 'zod';
import { DEMO_CARDS, type AppInfo, type Channel, type DiagnosticsView, type DemoScenario, type EventName, type HandoffView, type SmartcardView } from './channels';
import type { CardEvent, CardReading, ReaderState } from './domain';
import type { Result } from './errors';
import { SettingsSetInputSchema, type SettingsView } from './settings-view';

export { CHANNELS, EVENTS, isChannel, isEventName, DEMO_CARDS, DEFAULT_DEMO_SCENARIO, type Channel, type EventName, type AppInfo, type DemoCardKey, type DemoScenario, type HandoffRequestInfo, type HandoffView, SMARTCARD_SCREEN_STEPS, type SmartcardScreenStep, type SmartcardStepState, type SmartcardView, type DiagnosticsView, type DiagnosticsFormat } from './channels';

const noInput = z.undefined();
const readerIndex = z.number().int().min(0).max(1);
const flowId = z.number().int().min(1);
/**
 * A PIN as its bytes (the renderer's TextEncoder), never a string: the main process then holds no copy
 * it cannot zero (a JS string), and zeroes the array it is given once it has its own copy. The renderer's
 * input field is a string by nature; it lives in that process only.
 */
const pinBytes = z.instanceof(Uint8Array).refine((b) => b.length <= 64, { message: 'PIN too long' });

/** Declares one channel: `channel<Result>()(inputSchema)`; the result type is a phantom. */
const channel =
  <R>() =>
  <I extends z.ZodType>(input: I): { input: I; result?: R } => ({ input });

export const CONTRACT = {
  'app:info': channel<AppInfo>()(noInput),
  'card:readers': channel<ReaderState[]>()(noInput),
  'card:read': channel<CardReading>()(z.strictObject({ reader: z.string().min(1).max(200) })),
  // The effective settings under the machine's policy, with their sources (issue 14).
  'settings:get': channel<SettingsView>()(noInput),
  'settings:set': channel<SettingsView>()(SettingsSetInputSchema),
  'demo:insert': channel<null>()(z.strictObject({ card: z.enum(DEMO_CARDS), reader: readerIndex.optional(), fresh: z.boolean().optional() })),
  'demo:remove': channel<null>()(z.strictObject({ reader: readerIndex.optional() })),
  'demo:scenario': channel<DemoScenario>()(
    z.strictObject({
      service: z.enum(['up', 'down']).optional(),
      middleware: z.enum(['present', 'missing']).optional(),
      readers: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    }),
  ),
  // The handoff screens (handoff-flow.ts HandoffScreens, answered by the renderer). `flow` names the
  // flow the screen showed, so a late click never answers a newer flow.
  'handoff:state': channel<HandoffView>()(noInput),
  'handoff:confirm': channel<null>()(z.strictObject({ flow: flowId, reader: z.string().min(1).max(200) })),
  // The PIN crosses as bytes (pinBytes); digits are checked in main (ERR_PIN_FORMAT, a retry), not by
  // the schema, so a typo is a PIN error and not a bad call.
  'handoff:pin': channel<null>()(z.strictObject({ flow: flowId, pin: pinBytes })),
  'handoff:cancel': channel<null>()(z.strictObject({ flow: flowId })),
  'handoff:dismiss': channel<null>()(z.strictObject({ flow: flowId })),
  // ZORG-ID Smartcard creation (issue 8). PINs cross as bytes (pinBytes); main checks the digits itself
  // (ERR_SMARTCARD_PIN_FORMAT / _MISMATCH are retries, not bad calls).
  'smartcard:state': channel<SmartcardView>()(noInput),
  'smartcard:start': channel<SmartcardView>()(
    z.strictObject({ uziReader: z.string().min(1).max(200), blankReader: z.string().min(1).max(200), pin: pinBytes, pinRepeat: pinBytes }),
  ),
  'smartcard:uzi-pin': channel<null>()(z.strictObject({ flow: flowId, pin: pinBytes })),
  'smartcard:card-ready': channel<null>()(z.strictObject({ flow: flowId })),
  'smartcard:dismiss': channel<null>()(z.strictObject({ flow: flowId })),
  // Diagnostics (issue 14): the report main builds; save writes main's last report where the person
  // chooses (Electron) or answers ERR_DIAG_SAVE_UNAVAILABLE (the preview then downloads it).
  'diagnostics:report': channel<DiagnosticsView>()(noInput),
  'diagnostics:save': channel<{ saved: boolean }>()(z.strictObject({ format: z.enum(['text', 'json']) })),
} satisfies Record<Channel, { input: z.ZodType; result?: unknown }>;

// Compile-time proof that CONTRACT and CHANNELS list the same names.
type _SameKeys = [Exclude<Channel, keyof typeof CONTRACT>, Exclude<keyof typeof CONTRACT, Channel>] extends [never, never]
  ? true
  : never;
export const _contractMatchesChannels: _SameKeys = true;

export type ChannelInput<C extends Channel> = z.output<(typeof CONTRACT)[C]['input']>;
export type ChannelResult<C extends Channel> = Exclude<(typeof CONTRACT)[C]['result'], undefined>;

/** Events pushed from main to the renderer, as a typed stream. */
export interface EventMap {
  'card:event': CardEvent;
  'handoff:event': HandoffView;
  'smartcard:event': SmartcardView;
}
export type EventPayload<E extends EventName> = EventMap[E];

/** Arguments of `invoke`: channels whose input may be undefined take it optionally. */
export type InvokeArgs<C extends Channel> = undefined extends ChannelInput<C> ? [input?: ChannelInput<C>] : [input: ChannelInput<C>];

/** What `window.zorgid` is, in Electron (preload) and in the browser preview (bridge) alike. */
export interface ZorgidApi {
  invoke<C extends Channel>(channel: C, ...args: InvokeArgs<C>): Promise<Result<ChannelResult<C>>>;
  /** Subscribes to an event stream; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Handlers the hosts provide: input already parsed, may throw AppError (the dispatcher turns it into a Result). */
export type ContractHandlers = {
  [C in Channel]: (input: ChannelInput<C>) => Promise<ChannelResult<C>>;
};
