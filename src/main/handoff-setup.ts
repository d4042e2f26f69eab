// The workstation login wired together, for both hosts (Electron and the preview): the loopback
// listener hands an accepted flow to runHandoff, whose screens are the window (handoff-ui.ts); a login
// that came from a card is ended at the portal when that card leaves its reader. No electron here:
// the host passes `focus` (bring the window to front) and owns the store's life.
import type { HandoffView } from '../shared/channels';
import type { ContractHandlers } from '../shared/contract';
import type { CardService } from './core/card/card-port';
import { reportCardRemoval, runHandoff } from './core/handoff/handoff-flow';
import { createHandoffUi, type HandoffUi } from './core/handoff/handoff-ui';
import { startLoopbackListener, type LoopbackListener } from './core/handoff/loopback-listener';
import { runEnrolUser, runValidateOrganisation } from './core/handoff/organisation-flow';
import { createPortalClient } from './core/handoff/portal-client';
import type { AppStore, AuditInput } from './core/store';

export interface HandoffSetupOptions {
  store: AppStore;
  card: CardService;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  appVersion: string;
  /** Overrides the stored port (tests: 0 = any free port). */
  port?: number;
  /** Portals allowed for this run only (npm start's reference portal, tests), never stored. */
  extraPortals?: readonly string[];
  /** The portals trusted, asked at each handoff (policy-setup.ts); replaces stored list + extraPortals. */
  allowlist?: () => readonly string[];
  /** Brings the app window to the front when a portal asks something. */
  focus: () => void;
  log: (line: string) => void;
  portalTimeoutMs?: number;
}

export type HandoffHandlers = Pick<ContractHandlers, 'handoff:state' | 'handoff:confirm' | 'handoff:pin' | 'handoff:cancel' | 'handoff:dismiss'>;

export interface HandoffSetup {
  ui: HandoffUi;
  /** The listener, or null when no port could be had (the window then says so on the settings page). */
  listener: LoopbackListener | null;
  subscribe(listener: (view: HandoffView) => void): () => void;
  close(): Promise<void>;
}

export function handoffHandlers(ui: HandoffUi): HandoffHandlers {
  return {
    'handoff:state': async () => ui.view(),
    'handoff:confirm': async (input) => (ui.confirm(input), null),
    'handoff:pin': async (input) => (ui.pin(input), null),
    'handoff:cancel': async (input) => (ui.cancel(input), null),
    'handoff:dismiss': async (input) => (ui.dismiss(input), null),
  };
}

export async function setupHandoff(options: HandoffSetupOptions): Promise<HandoffSetup> {
  const { store, card, clock, log } = options;
  const extra = options.extraPortals ?? [];
  const allowlist = options.allowlist ?? ((): readonly string[] => [...store.getSettings().portalAllowlist, ...extra]);
  const audit = (entry: AuditInput): void => {
    store.appendAudit(entry);
  };
  const portal = createPortalClient({ allowlist, ...(options.portalTimeoutMs !== undefined ? { timeoutMs: options.portalTimeoutMs } : {}) });
  const ui = createHandoffUi({ card, clock });
  const sessions = new Set<() => void>();

  let listener: LoopbackListener | null = null;
  try {
    listener = await startLoopbackListener({
      port: options.port ?? store.getSettings().loopbackPort,
      clock,
      rng: options.rng,
      allowlist,
      portal,
      audit,
      // create-smartcard is the portal's; this app does the other three.
      purposes: ['login', 'validate-organisation', 'enrol-user'],
      onHandoff: async (flow) => {
        options.focus();
        const screens = ui.begin(flow);
        const deps = { card, screens, portal, audit, appVersion: options.appVersion };
        const purpose = flow.request.purpose;
        const result =
          purpose === 'enrol-user'
            ? await runEnrolUser(deps, flow)
            : purpose === 'validate-organisation'
              ? await runValidateOrganisation({ ...deps, clock }, flow)
              : await runHandoff(deps, flow);
        log(`handoff: ${purpose} for ${flow.portal}: ${result.outcome === 'failed' ? result.code : result.outcome}`);
        if (result.outcome === 'done' && purpose === 'login') {
          const stop = reportCardRemoval({ card, portal, audit }, { portal: result.portal, reader: result.reader, sessionId: result.sessionId });
          sessions.add(stop);
        }
        return result;
      },
    });
    log(`handoff: listening on http://127.0.0.1:${listener.port}`);
  } catch (err) {
    log(`handoff: no loopback listener (${err instanceof Error ? err.message : String(err)}); portal logins are unavailable`);
  }

  return {
    ui,
    listener,
    subscribe: (l) => ui.subscribe(l),
    async close() {
      for (const stop of sessions) stop();
      sessions.clear();
      await listener?.close();
    },
  };
}
