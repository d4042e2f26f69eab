// Relying parties are registered by the portal's administrator only (issue 18 item 3; no dynamic
// registration): a name, exact redirect URIs, the scopes it may ask for, and either a client secret
// (shown once) or private_key_jwt with the relying party's JWKS URL. Every registration is audited.
import { z } from 'zod';
import { AppError } from '../errors';
import type { AuditEntry } from '../store/store';
import type { OidcClientRecord, OidcStore } from '../store/oidc-store';
import { OIDC_SCOPES } from './claims';

const httpUrl = z
  .string()
  .trim()
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hash === '' && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  });

export const clientInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  redirectUris: z.array(httpUrl).min(1).max(10),
  postLogoutRedirectUris: z.array(httpUrl).max(10).default([]),
  scopes: z.array(z.enum(OIDC_SCOPES)).min(1),
  auth: z.discriminatedUnion('method', [z.strictObject({ method: z.literal('client_secret_basic') }), z.strictObject({ method: z.literal('private_key_jwt'), jwksUri: httpUrl })]),
  backchannelLogoutUri: httpUrl.optional(),
  /** Userinfo as a signed JWT (application/jwt, RS256) instead of JSON. */
  userinfoSigned: z.boolean().default(false),
});
export type ClientInput = z.input<typeof clientInputSchema>;

export interface ClientDeps {
  store: OidcStore;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  audit(entry: AuditEntry): Promise<void>;
}

export interface RegisteredClient {
  clientId: string;
  /** Only for client_secret_basic, and only in this answer. */
  clientSecret: string | null;
  record: OidcClientRecord;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

export async function registerClient(deps: ClientDeps, actor: string, raw: unknown): Promise<RegisteredClient> {
  const parsed = clientInputSchema.safeParse(raw);
  if (!parsed.success) {
    await deps.audit({ at: deps.clock(), actor, action: 'oidc.client.register', outcome: 'refused', code: 'ERR_OIDC_CLIENT_INVALID' });
    throw new AppError('ERR_OIDC_CLIENT_INVALID');
  }
  const input = parsed.data;
  const clientId = `zid-${b64url(deps.rng(12))}`;
  const clientSecret = input.auth.method === 'client_secret_basic' ? b64url(deps.rng(32)) : null;
  const metadata: Record<string, unknown> = {
    client_id: clientId,
    client_name: input.name,
    redirect_uris: input.redirectUris,
    post_logout_redirect_uris: input.postLogoutRedirectUris,
    scope: ['openid', ...input.scopes.filter((s) => s !== 'openid')].join(' '),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    subject_type: 'pairwise',
    token_endpoint_auth_method: input.auth.method,
    ...(clientSecret ? { client_secret: clientSecret } : {}),
    ...(input.auth.method === 'private_key_jwt' ? { jwks_uri: input.auth.jwksUri } : {}),
    ...(input.backchannelLogoutUri ? { backchannel_logout_uri: input.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    ...(input.userinfoSigned ? { userinfo_signed_response_alg: 'RS256' } : {}),
  };
  const record: OidcClientRecord = { clientId, name: input.name, metadata, createdAt: deps.clock(), createdBy: actor };
  await deps.store.createClient(record);
  await deps.audit({
    at: deps.clock(),
    actor,
    action: 'oidc.client.register',
    outcome: 'ok',
    detail: { client: clientId, name: input.name, auth: input.auth.method, redirectUris: input.redirectUris, scopes: input.scopes },
  });
  return { clientId, clientSecret, record };
}

/**
 * The demo's example relying party (`npm start`, examples/relying-party/): registered at start with a
 * fixed client_id and the secret the start script generated for this run; audited like any other.
 */
export async function seedDemoClient(deps: ClientDeps, input: { clientId: string; clientSecret: string; baseUrl: string }): Promise<void> {
  if (await deps.store.getClient(input.clientId)) return;
  const metadata: Record<string, unknown> = {
    client_id: input.clientId,
    client_name: 'Voorbeeld-EPD',
    client_secret: input.clientSecret,
    redirect_uris: [`${input.baseUrl}/callback`],
    post_logout_redirect_uris: [`${input.baseUrl}/`],
    scope: 'openid naam uzi rol organisatie',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    subject_type: 'pairwise',
    token_endpoint_auth_method: 'client_secret_basic',
    backchannel_logout_uri: `${input.baseUrl}/backchannel-logout`,
    backchannel_logout_session_required: true,
  };
  await deps.store.createClient({ clientId: input.clientId, name: 'Voorbeeld-EPD', metadata, createdAt: deps.clock(), createdBy: 'system:demo' });
  await deps.audit({ at: deps.clock(), actor: 'system:demo', action: 'oidc.client.register', outcome: 'ok', detail: { client: input.clientId, name: 'Voorbeeld-EPD', redirectUris: metadata.redirect_uris } });
}
