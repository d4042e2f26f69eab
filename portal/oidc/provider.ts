// The OpenID Provider (issue 18, docs/oidc.md), built on oidc-provider: authorization code flow only,
// PKCE S256 required for every client, exact redirect URIs, pairwise subjects, Dezi-shaped claims,
// userinfo also as a signed JWT, back-channel and RP-initiated logout; no dynamic registration.
// Every model is stored in the portal's SQLite (adapter.ts); the keys too (keys.ts).
import { createHash } from 'node:crypto';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { OidcStore } from '../store/oidc-store';
import type { AuditEntry } from '../store/store';
import { oidcAdapter } from './adapter';
import { auditProviderCalls } from './audit';
import { ACR_MOBIEL, ACR_SMARTCARD, OIDC_SCOPE_CLAIMS } from './claims';
import { signingKeys } from './keys';
import { logoutPage, oidcErrorPage, postLogoutPage } from './pages';

/** Where the provider is mounted in the portal; the issuer is `<portal origin>/oidc`. */
export const OIDC_PREFIX = '/oidc';
/** The interaction step is the portal's own login (routes.ts). */
export const INTERACTION_PATH = '/inloggen/oidc';

export interface ProviderDeps {
  store: OidcStore;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  /** The portal origin (known once the server listens). */
  origin: string;
  audit(entry: AuditEntry): Promise<void>;
  endPortalSession?(cookieHeader: string | undefined): Promise<boolean>;
  /** The account of the live portal login of this browser (its Cookie header), null without one. */
  portalAccount?(cookieHeader: string | undefined): Promise<string | null>;
}

/**
 * The provider's session is only as good as the portal login behind it: a card pulled, a logout at the
 * portal or another person logged in at this browser means a new login (or login_required for
 * prompt=none), never a code for the account of before.
 */
function interactionsPolicy(deps: ProviderDeps) {
  const { base, Check } = interactionPolicy;
  const policy = base();
  policy.get('login')!.checks.add(
    new Check('portal_session', 'the ZORG-ID portal login of this browser ended or is of another person', 'login_required', async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !deps.portalAccount) return Check.NO_NEED_TO_PROMPT;
      return (await deps.portalAccount(ctx.req.headers.cookie)) === accountId ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]']);

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

export async function buildProvider(deps: ProviderDeps): Promise<Provider> {
  const { store } = deps;
  const cookieKey = await store.secret('cookie-key', () => b64url(deps.rng(32)));
  const pairwiseSalt = await store.secret('pairwise-salt', () => b64url(deps.rng(32)));
  const configuration: Configuration = {
    adapter: oidcAdapter(store, deps.clock),
    jwks: { keys: await signingKeys(deps) },
    cookies: { keys: [cookieKey] },
    async findAccount(_ctx, accountId) {
      const account = await store.getAccount(accountId);
      if (!account) return undefined;
      return { accountId, claims: async () => ({ sub: accountId, ...account.claims }) };
    },
    claims: { sid: null, iss: null, ...OIDC_SCOPE_CLAIMS } as unknown as Configuration['claims'],
    scopes: Object.keys(OIDC_SCOPE_CLAIMS),
    acrValues: [ACR_SMARTCARD, ACR_MOBIEL],
    responseTypes: ['code'],
    // What the administrator can register (clients.ts); no public clients, no shared-key JWTs.
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt'],
    // oidc-provider only knows S256; required for confidential clients too (OAuth 2.1, issue 18).
    pkce: { required: () => true },
    subjectTypes: ['pairwise'],
    // Per client, not per sector: two relying parties on one host must not see the same sub.
    async pairwiseIdentifier(_ctx, accountId, client) {
      return createHash('sha256').update(`${pairwiseSalt}\0${client.clientId}\0${accountId}`).digest('base64url');
    },
    // Claims of the granted scopes in the ID token as well, as Dezi's verklaring carries them.
    conformIdTokenClaims: false,
    allowOmittingSingleRegisteredRedirectUri: false,
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      claimsParameter: { enabled: false },
      jwtUserinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      revocation: { enabled: true },
    },
    ttl: {
      // Short, single use (the adapter keeps `consumed`).
      AuthorizationCode: 60,
      AccessToken: 600,
      IdToken: 3600,
      Interaction: 600,
      Grant: 8 * 3600,
      Session: 8 * 3600,
    },
    interactions: { policy: interactionsPolicy(deps), url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    renderError,
    // oidc-provider refuses outgoing calls (logout tokens, jwks_uri) to special-use addresses (SSRF).
    // The reference portal and its relying parties all live on this machine's loopback: a URL that
    // names a loopback address literally may go there; names that resolve to one stay refused.
    fetch: (url, options) => globalThis.fetch(url, LOOPBACK.has(new URL(url).hostname) ? { ...options, dispatcher: undefined } : options),
  };
  const provider = new Provider(`${deps.origin}${OIDC_PREFIX}`, configuration);
  // Loopback only: the portal listens on 127.0.0.1 with http; no proxy in front.
  provider.proxy = false;
  auditProviderCalls(provider, deps);
  // RP-initiated logout confirmed with "Ja, uitloggen": the portal's own session ends as well (the
  // provider's session is the portal login), audited before the browser is sent on.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/session/end/confirm' || ctx.status !== 303 || !ctx.oidc?.params?.logout) return;
    // Not a person's "Ja": oidc-provider ending the session of before because another person just
    // logged in (it resumes the authorization afterwards); that new portal login stays.
    if (String(ctx.response.get('location')).startsWith(`${provider.issuer}/auth/`)) return;
    const ended = (await deps.endPortalSession?.(ctx.req.headers.cookie)) ?? false;
    await deps.audit({ at: deps.clock(), actor: 'browser', action: 'oidc.logout', outcome: 'ok', detail: { portalSession: ended } });
  });
  return provider;
}

async function logoutSource(ctx: KoaContextWithOIDC, form: string) {
  ctx.type = 'html';
  ctx.body = logoutPage(form);
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
  ctx.type = 'html';
  ctx.body = postLogoutPage();
}

async function renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) {
  ctx.type = 'html';
  ctx.body = oidcErrorPage(out.error, out.error_description ?? '');
}
