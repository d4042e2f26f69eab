// The provider's own calls in the portal's audit log, written before the answer leaves (Koa sends the
// body only after every middleware returned): each token exchange and each refused authorization, with
// the client and the standard OAuth error. Never a code, token or secret.
import type Provider from 'oidc-provider';
import type { AuditEntry } from '../store/store';

/** The provider's paths worth a record (relative to its mount, /oidc). */
const AUDITED: Record<string, string> = {
  '/token': 'oidc.token',
  '/auth': 'oidc.authorize',
  '/me': 'oidc.userinfo',
  '/token/revocation': 'oidc.revoke',
};

/** Where oidc-provider reports a refusal (also when it renders an HTML error page). */
const ERROR_EVENTS = ['authorization.error', 'grant.error', 'userinfo.error', 'revocation.error', 'server_error'] as const;

export function auditProviderCalls(provider: Provider, deps: { clock: () => number; audit(entry: AuditEntry): Promise<void> }): void {
  for (const event of ERROR_EVENTS) {
    // The event's listener types differ per event; all pass (ctx, error) first.
    (provider.on as (e: string, l: (ctx: { state?: Record<string, unknown> } | undefined, err: { error?: string }) => void) => void)(event, (ctx, err) => {
      if (ctx?.state) ctx.state.oauthError = err?.error ?? 'server_error';
    });
  }
  provider.use(async (ctx, next) => {
    await next();
    const action = AUDITED[ctx.path];
    if (!action) return;
    const failed = ctx.status >= 400 || (ctx.status === 303 && /[?&#]error=/.test(String(ctx.response.get('location'))));
    // A successful authorize only redirects on to the interaction or the client: oidc.login records the login.
    if (action === 'oidc.authorize' && !failed) return;
    const error = (ctx.state.oauthError as string | undefined) ?? /[?&#]error=([a-z_]+)/.exec(String(ctx.response.get('location')))?.[1] ?? null;
    await deps.audit({
      at: deps.clock(),
      actor: ctx.oidc?.client?.clientId ? `client:${ctx.oidc.client.clientId}` : 'anonymous',
      action,
      outcome: failed ? 'refused' : 'ok',
      detail: { status: ctx.status, ...(failed ? { error: error ?? 'unknown' } : {}) },
    });
  });
}
