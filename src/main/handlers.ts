// The contract's handlers, built from the ports. Shared by the Electron host and the preview host, so
// both answer every channel the same way.
import type { AppInfo, ContractHandlers } from '../shared/contract';
import { AppError } from '../shared/errors';
import type { CardService } from './core/card/card-port';
import type { DemoControls } from './core/demo/demo-card-service';
import type { SettingsService } from './core/policy/policy-settings';
import type { SmartcardHandlers } from './core/enrol/smartcard-screen';
import type { HandoffHandlers } from './handoff-setup';

export interface HandlerDeps {
  card: CardService;
  /** The person's settings under the machine's policy (core/policy/policy-settings.ts). */
  settings: SettingsService;
  info: AppInfo;
  /** Present only in demo mode; `npm run app` passes null and the demo channels refuse. */
  demo: DemoControls | null;
  /** The login screens (handoff-setup.ts); absent = no handoff in this host (the screens stay idle). */
  handoff?: HandoffHandlers;
  /** The "ZORG-ID Smartcard maken" screen (core/enrol/smartcard-screen.ts); absent = refused. */
  smartcard?: SmartcardHandlers;
  /** The Diagnose screen (diagnostics-setup.ts); absent = refused. */
  diagnostics?: DiagnosticsHandlers;
}

export type DiagnosticsHandlers = Pick<ContractHandlers, 'diagnostics:report' | 'diagnostics:save'>;

const NO_DIAGNOSTICS: DiagnosticsHandlers = {
  'diagnostics:report': async () => {
    throw new AppError('ERR_DIAG_UNAVAILABLE');
  },
  'diagnostics:save': async () => {
    throw new AppError('ERR_DIAG_SAVE_UNAVAILABLE');
  },
};

const IDLE_HANDOFF: HandoffHandlers = {
  'handoff:state': async () => ({ step: 'idle' }),
  'handoff:confirm': async () => null,
  'handoff:pin': async () => null,
  'handoff:cancel': async () => null,
  'handoff:dismiss': async () => null,
};

const NO_SMARTCARD: SmartcardHandlers = {
  'smartcard:state': async () => ({ step: 'idle' }),
  'smartcard:start': async () => {
    throw new AppError('ERR_SMARTCARD_UNAVAILABLE');
  },
  'smartcard:uzi-pin': async () => null,
  'smartcard:card-ready': async () => null,
  'smartcard:dismiss': async () => null,
};

export function createHandlers(deps: HandlerDeps): ContractHandlers {
  const demo = (): DemoControls => {
    if (!deps.demo) throw new AppError('ERR_DEMO_DISABLED');
    return deps.demo;
  };
  return {
    'app:info': async () => deps.info,
    'card:readers': () => deps.card.readers(),
    'card:read': ({ reader }) => deps.card.read(reader),
    'settings:get': () => deps.settings.get(),
    'settings:set': (patch) => deps.settings.set(patch),
    'demo:insert': async ({ card, reader, fresh }) => {
      await demo().insert(card, reader, fresh === undefined ? undefined : { fresh });
      return null;
    },
    'demo:remove': async ({ reader }) => {
      await demo().remove(reader);
      return null;
    },
    'demo:scenario': async (patch) => demo().scenario(patch),
    ...(deps.handoff ?? IDLE_HANDOFF),
    ...(deps.smartcard ?? NO_SMARTCARD),
    ...(deps.diagnostics ?? NO_DIAGNOSTICS),
  };
}
