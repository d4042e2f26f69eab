// The OpenID Provider's token endpoint (issue 18): the round trip of POST /oidc/token (client
// authentication, code lookup and consumption, PKCE check, ID token + access token issued and stored)
// against the raw RS256 signing of the same ID token payload with the same key, in the same run.
// No card lab needed: the portal login comes from lab-card tokens (portal/test/org-flow.ts).
// Call: `await benchOidcToken()` (from bench/run.ts) — prints BENCH lines.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, decodeJwt, type JWK } from 'jose';
import { LAB_VALID_AT, loadLab } from '../test/card-lab/lab-tokens';
import { createOrgPortal, TestBrowser } from '../portal/test/org-flow';
import { authRequest, codeFlow, registerTestRp } from '../portal/oidc/test/oidc-flow';
import { bench, median } from './stats';

export async function benchOidcToken(options: { rounds?: number } = {}): Promise<{ tokenP50: number; signP50: number }> {
  const rounds = options.rounds ?? 30;
  const pki = await loadLab();
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-bench-oidc-'));
  const portal = await createOrgPortal(pki, join(dir, `bench-${randomBytes(4).toString('hex')}.sqlite`), { clock: () => LAB_VALID_AT.getTime() });
  try {
    const rp = await registerTestRp(portal);
    const browser = new TestBrowser(() => portal);
    const meta = rp.config.serverMetadata();
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(rp.clientId)}:${encodeURIComponent(rp.clientSecret)}`).toString('base64')}`;
    const key = createPrivateKey({ key: (await portal.store.oidc.listKeys()).find((k) => k.retiredAt === null)!.jwk as JWK & { kty: string }, format: 'jwk' });
    const token: number[] = [];
    const sign: number[] = [];
    for (let i = 0; i < rounds + 1; i++) {
      // The first round logs in at the portal; later ones find the live session (no card step).
      const req = await authRequest(rp);
      const { callback } = await codeFlow(browser, () => portal, () => pki, rp, req);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: rp.redirectUri, code_verifier: req.verifier });
      const t0 = performance.now();
      const res = await fetch(meta.token_endpoint!, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body });
      const json = (await res.json()) as { id_token: string };
      const t1 = performance.now();
      const payload = decodeJwt(json.id_token);
      const s0 = performance.now();
      await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'bench' }).sign(key);
      const s1 = performance.now();
      // Round 0 warms the provider, the caches and the JIT.
      if (i > 0) {
        token.push(t1 - t0);
        sign.push(s1 - s0);
      }
    }
    bench('oidc-token-roundtrip-p50', median(token), 'ms');
    bench('oidc-idtoken-raw-sign-p50', median(sign), 'ms');
    bench('oidc-token-vs-sign-ratio', median(token) / median(sign), 'x');
    return { tokenP50: median(token), signP50: median(sign) };
  } finally {
    await portal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
