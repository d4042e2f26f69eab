// The OpenID Provider's storage port (the adapter is sqlite-oidc.ts): oidc-provider's models, the
// signing keys, the registered clients, each account's claims and the card session behind a grant.
export interface OidcModelRow {
  payload: Record<string, unknown>;
  expiresAt: number | null;
  consumedAt: number | null;
}

export interface OidcKeyRecord {
  kid: string;
  /** Private JWK (never leaves the store but to sign). */
  jwk: Record<string, unknown>;
  createdAt: number;
  /** Set once a newer key signs; the key stays in the JWKS for verification. */
  retiredAt: number | null;
}

export interface OidcClientRecord {
  clientId: string;
  name: string;
  /** oidc-provider client metadata (redirect_uris, scope, token_endpoint_auth_method, …). */
  metadata: Record<string, unknown>;
  createdAt: number;
  createdBy: string;
}

export interface OidcAccountRecord {
  accountId: string;
  claims: Record<string, unknown>;
  updatedAt: number;
}

export interface OidcStore {
  upsertModel(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null): Promise<void>;
  findModel(model: string, id: string): Promise<OidcModelRow | null>;
  findModelBy(model: string, field: 'uid' | 'user_code', value: string): Promise<OidcModelRow | null>;
  consumeModel(model: string, id: string, at: number): Promise<void>;
  destroyModel(model: string, id: string): Promise<void>;
  /** Deletes the rows of these models (the grant's tokens and codes) that belong to the grant. */
  revokeByGrantId(grantId: string, models: readonly string[]): Promise<void>;
  /** Deletes every model row that expired before `at`; returns how many. */
  sweepModels(at: number): Promise<number>;
  /** Sessions (payloads) of an account, for a logout that did not come through the browser. */
  listSessionsOfAccount(accountId: string): Promise<Array<{ id: string; payload: Record<string, unknown> }>>;

  listKeys(): Promise<OidcKeyRecord[]>;
  /** Adds `key` as the signing key and retires the others (kept for verification). */
  addKey(key: OidcKeyRecord): Promise<void>;
  /** A secret generated once (cookie keys, pairwise salt); `make` runs only when none is stored. */
  secret(name: string, make: () => string): Promise<string>;

  createClient(record: OidcClientRecord): Promise<void>;
  getClient(clientId: string): Promise<OidcClientRecord | null>;
  listClients(): Promise<OidcClientRecord[]>;

  putAccount(record: OidcAccountRecord): Promise<void>;
  getAccount(accountId: string): Promise<OidcAccountRecord | null>;

  /** Which card session (handoff-protocol.md §6) a grant came from. */
  bindGrantToCard(grantId: string, cardSessionId: string, at: number): Promise<void>;
  grantsOfCard(cardSessionId: string): Promise<string[]>;
  /** The certificate (SHA-256, hex) that opened a card session: read from the handoff it came from. */
  certOfCardSession(cardSessionId: string): Promise<string | null>;
}
