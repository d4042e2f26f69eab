// The OpenID Provider's aggregate in SQLite (docs/oidc.md): what oidc-provider stores through its
// adapter (sessions, interactions, codes, tokens, grants), the signing keys, the clients the
// administrator registered, the claims source of each account and the card session behind each grant.
import type Database from 'better-sqlite3';
import type { OidcClientRecord, OidcKeyRecord, OidcModelRow, OidcStore } from './oidc-store';

type ModelRow = { payload_json: string; expires_at: number | null; consumed_at: number | null };

const fromRow = (r: ModelRow | undefined): OidcModelRow | null =>
  r ? { payload: JSON.parse(r.payload_json) as Record<string, unknown>, expiresAt: r.expires_at, consumedAt: r.consumed_at } : null;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function oidcTables(db: Database.Database): { oidc: OidcStore } {
  const upsert = db.prepare(
    `INSERT INTO oidc_models (model, id, payload_json, grant_id, uid, user_code, account_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (model, id) DO UPDATE SET payload_json = excluded.payload_json, grant_id = excluded.grant_id, uid = excluded.uid,
       user_code = excluded.user_code, account_id = excluded.account_id, expires_at = excluded.expires_at`,
  );
  const find = db.prepare<[string, string], ModelRow>('SELECT payload_json, expires_at, consumed_at FROM oidc_models WHERE model = ? AND id = ?');
  const byUid = db.prepare<[string, string], ModelRow>('SELECT payload_json, expires_at, consumed_at FROM oidc_models WHERE model = ? AND uid = ?');
  const byUserCode = db.prepare<[string, string], ModelRow>('SELECT payload_json, expires_at, consumed_at FROM oidc_models WHERE model = ? AND user_code = ?');
  const consume = db.prepare('UPDATE oidc_models SET consumed_at = ? WHERE model = ? AND id = ? AND consumed_at IS NULL');
  const destroy = db.prepare('DELETE FROM oidc_models WHERE model = ? AND id = ?');
  const revoke = db.prepare('DELETE FROM oidc_models WHERE grant_id = ? AND model = ?');
  const sweep = db.prepare('DELETE FROM oidc_models WHERE expires_at IS NOT NULL AND expires_at < ?');
  const sessionsOf = db.prepare<[string], { id: string; payload_json: string }>("SELECT id, payload_json FROM oidc_models WHERE model = 'Session' AND account_id = ?");
  const keys = db.prepare<[], { kid: string; jwk_json: string; created_at: number; retired_at: number | null }>('SELECT * FROM oidc_keys ORDER BY created_at DESC, kid');
  const insertKey = db.prepare('INSERT INTO oidc_keys (kid, jwk_json, created_at, retired_at) VALUES (?, ?, ?, NULL)');
  const retireKeys = db.prepare('UPDATE oidc_keys SET retired_at = ? WHERE retired_at IS NULL');
  const getSecret = db.prepare<[string], { value: string }>('SELECT value FROM oidc_secrets WHERE name = ?');
  const putSecret = db.prepare('INSERT OR IGNORE INTO oidc_secrets (name, value) VALUES (?, ?)');
  const insertClient = db.prepare('INSERT INTO oidc_clients (client_id, name, metadata_json, created_at, created_by) VALUES (?, ?, ?, ?, ?)');
  type ClientRow = { client_id: string; name: string; metadata_json: string; created_at: number; created_by: string };
  const getClient = db.prepare<[string], ClientRow>('SELECT * FROM oidc_clients WHERE client_id = ?');
  const listClients = db.prepare<[], ClientRow>('SELECT * FROM oidc_clients ORDER BY created_at, client_id');
  const putAccount = db.prepare(
    'INSERT INTO oidc_accounts (account_id, claims_json, updated_at) VALUES (?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET claims_json = excluded.claims_json, updated_at = excluded.updated_at',
  );
  const getAccount = db.prepare<[string], { account_id: string; claims_json: string; updated_at: number }>('SELECT * FROM oidc_accounts WHERE account_id = ?');
  const bindGrant = db.prepare('INSERT OR REPLACE INTO oidc_card_grants (grant_id, card_session_id, created_at) VALUES (?, ?, ?)');
  const grantsOf = db.prepare<[string], { grant_id: string }>('SELECT grant_id FROM oidc_card_grants WHERE card_session_id = ?');
  // Read-only look into the handoff aggregate: which certificate signed the login of a card session.
  const certOf = db.prepare<[string], { cert_sha256: string | null }>('SELECT cert_sha256 FROM handoff_requests WHERE card_session_id = ?');

  const client = (r: ClientRow): OidcClientRecord => ({
    clientId: r.client_id,
    name: r.name,
    metadata: JSON.parse(r.metadata_json) as Record<string, unknown>,
    createdAt: r.created_at,
    createdBy: r.created_by,
  });
  const addKey = db.transaction((key: OidcKeyRecord) => {
    retireKeys.run(key.createdAt);
    insertKey.run(key.kid, JSON.stringify(key.jwk), key.createdAt);
  });

  const oidc: OidcStore = {
    async upsertModel(model, id, payload, expiresAt) {
      upsert.run(model, id, JSON.stringify(payload), str(payload.grantId), str(payload.uid), str(payload.userCode), str(payload.accountId), expiresAt);
    },
    async findModel(model, id) {
      return fromRow(find.get(model, id));
    },
    async findModelBy(model, field, value) {
      return fromRow((field === 'uid' ? byUid : byUserCode).get(model, value));
    },
    async consumeModel(model, id, at) {
      consume.run(at, model, id);
    },
    async destroyModel(model, id) {
      destroy.run(model, id);
    },
    async revokeByGrantId(grantId, models) {
      for (const model of models) revoke.run(grantId, model);
    },
    async sweepModels(at) {
      return sweep.run(at).changes;
    },
    async listSessionsOfAccount(accountId) {
      return sessionsOf.all(accountId).map((r) => ({ id: r.id, payload: JSON.parse(r.payload_json) as Record<string, unknown> }));
    },
    async listKeys() {
      return keys.all().map((r) => ({ kid: r.kid, jwk: JSON.parse(r.jwk_json) as Record<string, unknown>, createdAt: r.created_at, retiredAt: r.retired_at }));
    },
    async addKey(key) {
      addKey(key);
    },
    async secret(name, make) {
      const found = getSecret.get(name);
      if (found) return found.value;
      putSecret.run(name, make());
      return getSecret.get(name)!.value;
    },
    async createClient(r) {
      insertClient.run(r.clientId, r.name, JSON.stringify(r.metadata), r.createdAt, r.createdBy);
    },
    async getClient(clientId) {
      const r = getClient.get(clientId);
      return r ? client(r) : null;
    },
    async listClients() {
      return listClients.all().map(client);
    },
    async putAccount(r) {
      putAccount.run(r.accountId, JSON.stringify(r.claims), r.updatedAt);
    },
    async getAccount(accountId) {
      const r = getAccount.get(accountId);
      return r ? { accountId: r.account_id, claims: JSON.parse(r.claims_json) as Record<string, unknown>, updatedAt: r.updated_at } : null;
    },
    async bindGrantToCard(grantId, cardSessionId, at) {
      bindGrant.run(grantId, cardSessionId, at);
    },
    async grantsOfCard(cardSessionId) {
      return grantsOf.all(cardSessionId).map((r) => r.grant_id);
    },
    async certOfCardSession(cardSessionId) {
      return certOf.get(cardSessionId)?.cert_sha256 ?? null;
    },
  };
  return { oidc };
}
