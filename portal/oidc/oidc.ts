// The OpenID Provider as the portal composes it: built once the portal knows its origin, rebuilt on a
// key rotation (the JWKS is configuration in oidc-provider), and the card-pulled logout.
import type Provider from 'oidc-provider';
import type { AuditEntry } from '../store/store';
import type { OidcStore } from '../store/oidc-store';
import { GRANT_TOKEN_MODELS } from './adapter';
import { rotateSigningKey } from './keys';
import { buildProvider } from './provider';

export interface OidcDeps {
  store: OidcStore;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  origin: () => string;
  audit(entry: AuditEntry): Promise<void>;
  /** "Ja, uitloggen" at the provider ends the portal session of that browser too. */
  endPortalSession?(cookieHeader: string | undefined): Promise<boolean>;
  portalAccount?(cookieHeader: string | undefined): Promise<string | null>;
}

export interface Oidc {
  provider(): Promise<Provider>;
  /** A new signing key; tokens of the old one keep verifying (keys.ts). Returns the new kid. */
  rotateKeys(): Promise<string>;
  /**
   * The portal login behind these grants ended (the card left the reader, or the person logged out at
   * the portal): every grant of it ends, with a logout token to its client. `loginKey`: see loginKeyOf.
   */
  loginEnded(loginKey: string): Promise<number>;
}

export function createOidc(deps: OidcDeps): Oidc {
  let current: Promise<Provider> | null = null;
  const provider = () => (current ??= buildProvider({ ...deps, origin: deps.origin() }));

  async function logoutGrant(p: Provider, grantId: string): Promise<boolean> {
    const grant = await p.Grant.find(grantId);
    if (!grant?.accountId || !grant.clientId) return false;
    const { accountId, clientId } = grant;
    let sent = false;
    for (const session of await deps.store.listSessionsOfAccount(accountId)) {
      const authorizations = (session.payload.authorizations ?? {}) as Record<string, { sid?: string; grantId?: string }>;
      const own = authorizations[clientId];
      if (!own || own.grantId !== grantId) continue;
      const client = await p.Client.find(clientId);
      if (client?.backchannelLogoutUri && own.sid) {
        try {
          // Not in @types/oidc-provider: the Client method end_session.js itself calls.
          await (client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> }).backchannelLogout(accountId, own.sid);
          sent = true;
          await deps.audit({ at: deps.clock(), actor: 'system', action: 'oidc.backchannel-logout', outcome: 'ok', detail: { client: clientId } });
        } catch (err) {
          await deps.audit({ at: deps.clock(), actor: 'system', action: 'oidc.backchannel-logout', outcome: 'error', detail: { client: clientId, why: String((err as Error).message).slice(0, 200) } });
        }
      }
      delete authorizations[clientId];
      if (Object.keys(authorizations).length === 0) await deps.store.destroyModel('Session', session.id);
      else {
        const row = await deps.store.findModel('Session', session.id);
        await deps.store.upsertModel('Session', session.id, { ...session.payload, authorizations }, row?.expiresAt ?? null);
      }
    }
    // The grant's tokens (access tokens, codes) end with it.
    await deps.store.revokeByGrantId(grantId, GRANT_TOKEN_MODELS);
    await grant.destroy();
    return sent;
  }

  return {
    provider,
    async rotateKeys() {
      const kid = await rotateSigningKey(deps);
      current = buildProvider({ ...deps, origin: deps.origin() });
      await current;
      await deps.audit({ at: deps.clock(), actor: 'system', action: 'oidc.key-rotated', outcome: 'ok', detail: { kid } });
      return kid;
    },
    async loginEnded(loginKey) {
      const grants = await deps.store.grantsOfCard(loginKey);
      if (grants.length === 0) return 0;
      const p = await provider();
      // In parallel: one relying party that is down (2.5 s timeout each) does not hold up the others.
      const sent = await Promise.all(grants.map((grantId) => logoutGrant(p, grantId)));
      return sent.filter(Boolean).length;
    },
  };
}
