// ZORG-ID Smartcard creation at the portal (seed 003), after `POST /api/handoff {purpose:"create-smartcard"}`:
//   POST /api/smartcard/:requestId/certify  { csr: base64 DER PKCS#10, token: handoff token }
//     The UZI-pas token's browser code is the CSR binding: browserCodeHash must equal
//     SHA-256(base64url(SHA-256(CSR DER))). Checks: CSR signature (proof of possession), RSA ≥ 2048,
//     the token (validator, purpose create-smartcard: Z or N, organisation active, no Mobiel ID, no
//     Smartcard yet, not itself a Smartcard). Answers the certificate and an activation challenge.
//   POST /api/smartcard/:smartcardId/activate  { signature: base64 SHA256withRSA over activationMessage }
//     The written card proves it holds the certified key; only then the Smartcard can log in and
//     counts as "already has a Smartcard".
// And the Smartcard CA's CRL, public (relying parties fetch it).
import 'reflect-metadata';
import { createHash, createPublicKey, verify } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { z } from 'zod';
import { AppError } from '../errors';
import { fromBase64Url, type HandoffToken } from '@zorgid/protocol';
import { activationMessage } from '@zorgid/protocol';
import type { PortalContext, RouteContext } from '../route-context';
import type { SmartcardCa } from '../smartcard-ca';
import { csrBrowserCode, SMARTCARD_ACTIVATION_TTL_MS, SMARTCARD_CRL_MAX_AGE_S, SMARTCARD_CRL_PATH, SMARTCARD_CRL_VALIDITY_MS } from '../smartcard';
import type { SmartcardRecord } from '../store/store';
import type { TokenValidator } from '@zorgid/validator';

interface SmartcardRouteDeps {
  validator: TokenValidator;
  ca: SmartcardCa | null;
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

const certifyInput = z.object({ csr: z.string().min(100).max(8000), token: z.unknown() });
const activateInput = z.object({ signature: z.string().min(100).max(2000) });

function parseCsr(der: Buffer): x509.Pkcs10CertificateRequest {
  try {
    return new x509.Pkcs10CertificateRequest(der);
  } catch {
    throw new AppError('ERR_SMARTCARD_CSR_INVALID', { reason: 'not a PKCS#10 request' });
  }
}

export function registerSmartcardRoutes(ctx: RouteContext, deps: SmartcardRouteDeps): void {
  const { app } = ctx;
  app.get(SMARTCARD_CRL_PATH, crlHandler(ctx, deps.ca));
  app.post('/api/smartcard/:id/certify', (c) => certify(ctx, deps, c));
  app.post('/api/smartcard/:id/activate', (c) => activate(ctx, c));
}

/** The CRL route, with the CRL it last signed: one signature per change of the list (or per max-age), not one per request. */
function crlHandler(ctx: RouteContext, ca: SmartcardCa | null) {
  const { store, clock, refuse } = ctx;
  let published: { key: string; der: Buffer; signedAt: number } | null = null;
  return async (c: PortalContext) => {
    if (!ca) return refuse(c, 'ERR_SMARTCARD_CA_NOT_CONFIGURED');
    const now = clock();
    const removed = await store.listRemovedSmartcards();
    const key = removed.map((r) => `${r.serialHex}@${r.removedAt}`).join(',');
    if (!published || published.key !== key || now - published.signedAt >= SMARTCARD_CRL_MAX_AGE_S * 1000 || now < published.signedAt) {
      const der = await ca.crl({
        revoked: removed.map((r) => ({ serialHex: r.serialHex, revokedAt: new Date(r.removedAt) })),
        thisUpdate: new Date(now),
        nextUpdate: new Date(now + SMARTCARD_CRL_VALIDITY_MS),
      });
      published = { key, der, signedAt: now };
    }
    return c.body(new Uint8Array(published.der), 200, {
      'Content-Type': 'application/pkix-crl',
      'Cache-Control': `public, max-age=${SMARTCARD_CRL_MAX_AGE_S}`,
    });
  };
}

async function certify(ctx: RouteContext, deps: SmartcardRouteDeps, c: PortalContext) {
  const { store, clock, rng, audit, refuse } = ctx;
  const id = c.req.param('id')!;
  try {
    if (!deps.ca) throw new AppError('ERR_SMARTCARD_CA_NOT_CONFIGURED');
    const input = certifyInput.safeParse(await c.req.json().catch(() => null));
    if (!input.success) throw new AppError('ERR_PORTAL_BAD_REQUEST');
    const request = await store.getHandoff(id);
    if (!request) throw new AppError('ERR_PORTAL_HANDOFF_NOT_FOUND');
    if (request.purpose !== 'create-smartcard') throw new AppError('ERR_TOKEN_PURPOSE_MISMATCH');

    // Proof of possession first: a bad CSR must not burn the request.
    const csrDer = Buffer.from(input.data.csr, 'base64');
    const csr = parseCsr(csrDer);
    if (!(await csr.verify().catch(() => false))) throw new AppError('ERR_SMARTCARD_CSR_INVALID', { reason: 'signature' });
    const spkiDer = Buffer.from(csr.publicKey.rawData);
    const jwk = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' }).export({ format: 'jwk' });
    if (jwk.kty !== 'RSA' || Buffer.from(jwk.n ?? '', 'base64url').length < 256) throw new AppError('ERR_SMARTCARD_CSR_INVALID', { reason: 'RSA-2048 or more' });
    const token = input.data.token as Partial<HandoffToken> | null;
    const expectedBc = sha256(Buffer.from(csrBrowserCode(csrDer), 'utf8'));
    const givenBc = typeof token?.browserCodeHash === 'string' ? Buffer.from(fromBase64Url(token.browserCodeHash)) : Buffer.alloc(0);
    if (!givenBc.equals(expectedBc)) throw new AppError('ERR_SMARTCARD_CSR_INVALID', { reason: 'CSR not signed for by the UZI-pas' });

    const valid = await deps.validator.validate(JSON.stringify(input.data.token), { requestId: id, origin: ctx.origin() });
    const now = clock();
    const holder = valid.holder;
    const serialHex = (0x40 | (rng(1)[0]! & 0x3f)).toString(16) + Buffer.from(rng(15)).toString('hex');
    const certDer = await deps.ca.issue({ spkiDer, holder, serialHex, now: new Date(now) });
    const person = await store.findPersonByUzi(holder.uziNumber);
    const record: SmartcardRecord = {
      id: b64url(rng(16)),
      uziNumber: holder.uziNumber,
      ura: holder.ura,
      personId: person?.id ?? null,
      name: holder.commonName ?? holder.uziNumber,
      certSha256: sha256(certDer).toString('hex'),
      certDer: certDer.toString('base64'),
      serialHex,
      status: 'pending',
      activationChallenge: b64url(rng(32)),
      createdAt: now,
      activatedAt: null,
      blockReason: null,
      blockedAt: null,
      removedAt: null,
    };
    // One transaction: the Smartcard, its request done and the audit record, before we answer. A cancel
    // that raced the certificate wins: the request is no longer open, and the certificate is not handed out.
    const issued = await store.issueSmartcard({
      record,
      handoff: { id, holder, certSha256: valid.certificate.sha256, completedAt: now },
      audit: {
        at: now,
        actor: `uzi:${holder.uziNumber}`,
        action: 'smartcard.issue',
        outcome: 'ok',
        requestId: id,
        detail: { ura: holder.ura, cardType: holder.cardType, smartcard: record.id, serial: serialHex },
      },
    });
    if (issued === 'exists') throw new AppError('ERR_SMARTCARD_ALREADY_EXISTS');
    if (issued === 'not-pending') throw new AppError('ERR_PORTAL_HANDOFF_NOT_PENDING');
    return c.json({
      outcome: 'issued',
      certificate: certDer.toString('base64'),
      chain: [deps.ca.certDer.toString('base64')],
      smartcardId: record.id,
      activationChallenge: record.activationChallenge,
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const r = await store.getHandoff(id).catch(() => null);
    if (r && r.usedAt !== null && (r.state === 'pending' || r.state === 'card-read')) {
      await store.updateHandoff(id, { state: 'failed', errorCode: err.code }, ['pending', 'card-read']);
    }
    await audit({ at: clock(), actor: 'app', action: 'smartcard.issue', outcome: 'refused', requestId: id.slice(0, 32), code: err.code });
    return refuse(c, err.code);
  }
}

async function activate(ctx: RouteContext, c: PortalContext) {
  const { store, clock, audit, refuse } = ctx;
  const id = c.req.param('id')!;
  const input = activateInput.safeParse(await c.req.json().catch(() => null));
  const card = await store.getSmartcard(id);
  const now = clock();
  const fail = async (code: 'ERR_PORTAL_BAD_REQUEST' | 'ERR_PORTAL_HANDOFF_NOT_FOUND' | 'ERR_PORTAL_HANDOFF_EXPIRED' | 'ERR_SMARTCARD_VERIFY_FAILED' | 'ERR_SMARTCARD_ALREADY_EXISTS') => {
    await audit({ at: now, actor: 'app', action: 'smartcard.activate', outcome: 'refused', code, detail: { smartcard: id.slice(0, 32) } });
    return refuse(c, code);
  };
  if (!input.success) return fail('ERR_PORTAL_BAD_REQUEST');
  if (!card || card.status !== 'pending') return fail('ERR_PORTAL_HANDOFF_NOT_FOUND');
  if (now - card.createdAt > SMARTCARD_ACTIVATION_TTL_MS) return fail('ERR_PORTAL_HANDOFF_EXPIRED');
  const publicKey = new x509.X509Certificate(Buffer.from(card.certDer, 'base64')).publicKey.rawData;
  const ok = verify(
    'sha256',
    activationMessage(card.id, card.activationChallenge),
    createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }),
    Buffer.from(input.data.signature, 'base64'),
  );
  if (!ok) return fail('ERR_SMARTCARD_VERIFY_FAILED');
  if (!(await store.setSmartcardStatus(id, ['pending'], 'active', now))) return fail('ERR_SMARTCARD_ALREADY_EXISTS');
  await audit({ at: now, actor: `uzi:${card.uziNumber}`, action: 'smartcard.activate', outcome: 'ok', detail: { smartcard: id, ura: card.ura } });
  return c.json({ outcome: 'active' });
}
