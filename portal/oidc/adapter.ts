// oidc-provider's storage adapter over the portal store (store/oidc-store.ts): one class per model
// name, as the library asks. Clients come from the administrator's registrations only, read-only
// here: dynamic registration is off (issue 18 item 3).
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import type { OidcStore } from '../store/oidc-store';

/** The models that hang off a grant and end with it (never Session, Interaction or Grant itself). */
export const GRANT_TOKEN_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'ClientCredentials'] as const;

export function oidcAdapter(store: OidcStore, clock: () => number): AdapterConstructor {
  const live = (row: Awaited<ReturnType<OidcStore['findModel']>>): AdapterPayload | undefined => {
    if (!row || (row.expiresAt !== null && row.expiresAt <= clock())) return undefined;
    // oidc-provider refuses a second use of a code when `consumed` is set (single-use codes).
    return { ...(row.payload as AdapterPayload), ...(row.consumedAt !== null ? { consumed: Math.floor(row.consumedAt / 1000) } : {}) };
  };
  return class SqliteAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') return;
      // Expired codes, tokens and sessions go as new ones come (indexed; no timer to stop at close).
      await store.sweepModels(clock());
      await store.upsertModel(this.model, id, payload as Record<string, unknown>, expiresIn ? clock() + expiresIn * 1000 : null);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return (await store.getClient(id))?.metadata as AdapterPayload | undefined;
      return live(await store.findModel(this.model, id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return live(await store.findModelBy(this.model, 'uid', uid));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return live(await store.findModelBy(this.model, 'user_code', userCode));
    }

    async consume(id: string): Promise<void> {
      await store.consumeModel(this.model, id, clock());
    }

    async destroy(id: string): Promise<void> {
      await store.destroyModel(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(grantId, [this.model]);
    }
  };
}
