// The reference portal over real loopback HTTP with a real SQLite file: the handoff from request to
// logged-in page, the browser-code defence against login CSRF, cancel, expiry and card removal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handoffRequestSchema, type HandoffRequest } from '@zorgid/protocol';
import type { CardLabPki, LabCardId } from '../test/card-lab/pki';
import { createPortal, type Portal } from './server';
import { LAB_VALID_AT, labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../test/card-lab/lab-tokens';

let pki: CardLabPki;
let dir: string;
let portal: Portal;
let now: number;

beforeAll(async () => {
  pki = await loadLab();
  dir = mkdtempSync(join(tmpdir(), 'zorgid-portal-'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  now = LAB_VALID_AT.getTime();
  portal = await createPortal({
    dbPath: join(dir, `portal-${Math.random().toString(36).slice(2)}.sqlite`),
    trust: { ...labTrust(pki), crls: labCrls(pki) },
    clock: () => now,
  });
});

afterEach(async () => {
  await portal.close();
});

/** A browser: one cookie jar, no automatic redirects. */
class Browser {
  cookies = new Map<string, string>();
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(path, portal.url), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    return res;
  }
  json(path: string, body: unknown, headers: Record<string, string> = {}) {
    return this.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: portal.origin, ...headers }, body: JSON.stringify(body) });
  }
}

/** The desktop app's side of the back-channel (no cookies, like the real portal client). */
const app = {
  get: (id: string) => fetch(`${portal.url}/api/handoff/${id}`),
  post: (path: string, body: string) => fetch(`${portal.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
};

async function startHandoff(browser: Browser, body: Record<string, string> = { purpose: 'login' }): Promise<string> {
  await browser.fetch('/');
  const res = await browser.fetch('/api/handoff', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: portal.origin },
    body: new URLSearchParams(body).toString(),
  });
  expect(res.status).toBe(303);
  const id = /^\/handoff\/([A-Za-z0-9_-]{22})\/start$/.exec(res.headers.get('location') ?? '')?.[1];
  expect(id).toBeDefined();
  return id!;
}

/** What the app does after the browser's navigation: fetch, read the card, sign, post. */
async function appSigns(id: string, card: LabCardId = 'Z-huisarts') {
  const res = await app.get(id);
  expect(res.status).toBe(200);
  const request: HandoffRequest = handoffRequestSchema.parse(await res.json());
  expect(request.id).toBe(id);
  expect(request.origin).toBe(portal.origin);
  expect((await app.post(`/api/handoff/${id}/progress`, JSON.stringify({ state: 'card-read' }))).status).toBe(200);
  const browserCode = newBrowserCode();
  const token = signLabToken({ pki, card, request, browserCode });
  const answer = await app.post(`/api/handoff/${id}/token`, JSON.stringify(token));
  return { request, browserCode, token, answer, body: (await answer.json()) as Record<string, unknown> };
}

async function statusOf(browser: Browser, id: string) {
  return (await (await browser.fetch(`/handoff/${id}/status`)).json()) as { state: string; code?: string };
}

async function loggedIn(browser: Browser) {
  const res = await browser.fetch('/api/session');
  return (await res.json()) as { active: boolean; reason?: string | null; holder?: Record<string, string> };
}

describe('reference portal: landing page', () => {
  it('serves a Dutch landing page with a CSP, a session cookie and a 5-minute opaque login QR', async () => {
    const browser = new Browser();
    const res = await browser.fetch('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Inloggen met UZI-pas of ZORG-ID Smartcard');
    expect(html).toContain('<html lang="nl">');
    expect(html).toMatch(/<img src="data:image\/png;base64,/);
    expect(html).toContain(`data-qr-expires-at="${now + 5 * 60_000}"`);
    expect(html).not.toMatch(/<script>|style="/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Lax/);

    const qr = (await (await browser.json('/api/login-qr', {})).json()) as { payload: string; expiresAt: number };
    expect(qr.payload).toMatch(/^zorgid:\/\/login\?portal=[^&]+&code=[A-Za-z0-9_-]{24}$/);
    expect(decodeURIComponent(qr.payload)).not.toMatch(/\d{8,}/);
    expect(qr.expiresAt).toBe(now + 5 * 60_000);
    const js = await browser.fetch('/static/portal.js');
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('puts the security headers on every answer: page, JSON, refusal, unknown path', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser);
    const page = await browser.fetch('/');
    const answers = {
      page,
      json: await fetch(`${portal.url}/api/handoff/${id}`),
      refusal: await fetch(`${portal.url}/api/handoff/${id}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      unknown: await fetch(`${portal.url}/bestaat-niet`),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect([name, res.headers.get('x-content-type-options')]).toEqual([name, 'nosniff']);
      expect([name, res.headers.get('referrer-policy')]).toEqual([name, 'same-origin']);
      expect([name, res.headers.get('cache-control')]).toEqual([name, 'no-store']);
      await res.body?.cancel();
    }
    expect(answers.refusal.status).toBe(413); // ERR_TOKEN_SIZE: under 100 bytes
    expect(answers.unknown.status).toBe(404);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(answers.json.headers.get('content-security-policy')).toBeNull();
  });

  it('refuses to create a handoff request for a page of another origin', async () => {
    const browser = new Browser();
    await browser.fetch('/');
    const res = await browser.json('/api/handoff', { purpose: 'login' }, { origin: 'https://kwaadwillend.example' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('ERR_PORTAL_FORBIDDEN_ORIGIN');
  });
});

describe('reference portal: handoff', () => {
  it('runs a login from the button to the logged-in page showing the holder', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser);

    const start = await browser.fetch(`/handoff/${id}/start`);
    const startHtml = await start.text();
    expect(startHtml).toContain(`http://127.0.0.1:24761/handoff?portal=${encodeURIComponent(portal.origin)}&amp;request=${id}`);
    expect(startHtml).toContain(`zorgid://handoff?portal=${encodeURIComponent(portal.origin)}&amp;request=${id}`);
    expect(await statusOf(browser, id)).toEqual({ state: 'pending' });

    const { browserCode, answer, body } = await appSigns(id);
    expect(answer.status).toBe(200);
    expect(body).toMatchObject({ outcome: 'accepted' });
    expect(body.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const wait = await browser.fetch(`/handoff/${id}/wait?bc=${browserCode}`);
    expect(wait.status).toBe(200);
    expect(wait.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await statusOf(browser, id)).toEqual({ state: 'done' });

    const done = await browser.json(`/handoff/${id}/complete`, { bc: browserCode });
    expect(done.status).toBe(200);
    const next = ((await done.json()) as { next: string }).next;
    expect(next).toBe(`${portal.origin}/handoff/${id}/done`);
    const toPage = await browser.fetch(next);
    expect(toPage.status).toBe(303);
    expect(toPage.headers.get('location')).toBe('/ingelogd');
    const page = await (await browser.fetch('/ingelogd')).text();
    expect(page).toContain('Anna Maria de Vries');
    expect(page).toContain('900016528');
    expect(page).toContain('90000382');
    expect(page).toContain('Huisarts (01.015)');
    expect((await loggedIn(browser)).active).toBe(true);

    // Completing twice does nothing more (and the login rotated the session id).
    expect((await browser.json(`/handoff/${id}/complete`, { bc: browserCode })).status).toBe(403);

    const audit = await portal.store.listAudit();
    const actions = audit.map((a) => a.action).reverse();
    expect(actions).toEqual(['handoff.create', 'handoff.fetch', 'handoff.card-read', 'handoff.token', 'login', 'handoff.complete']);
    expect(audit[0]).toMatchObject({ action: 'handoff.complete', outcome: 'refused', code: 'ERR_PORTAL_SESSION_MISMATCH' });
    const text = JSON.stringify(audit);
    expect(text).not.toContain(browserCode);
    const request = await portal.store.getHandoff(id);
    expect(text).not.toContain(request!.challenge);
  });

  it('streams the status over SSE: pending → card-read → done', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser);
    const res = await browser.fetch(`/handoff/${id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const states: string[] = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += new TextDecoder().decode(value);
        for (const m of buffer.matchAll(/data: (\{.*\})\n/g)) {
          const s = (JSON.parse(m[1]!) as { state: string }).state;
          if (states.at(-1) !== s) states.push(s);
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await appSigns(id);
    await reading;
    expect(states[0]).toBe('pending');
    expect(states).toContain('card-read');
    expect(states.at(-1)).toBe('done');
  });

  it('login CSRF: neither the browser with the code nor the browser with the session completes', async () => {
    const attacker = new Browser();
    const victim = new Browser();
    await victim.fetch('/');
    const id = await startHandoff(attacker);
    // The victim's app handles the attacker's request; the victim's browser gets bc from the 303.
    const { browserCode } = await appSigns(id);

    expect((await victim.fetch(`/handoff/${id}/wait?bc=${browserCode}`)).status).toBe(403);
    const viaVictim = await victim.json(`/handoff/${id}/complete`, { bc: browserCode });
    expect(viaVictim.status).toBe(403);
    expect(((await viaVictim.json()) as { code: string }).code).toBe('ERR_PORTAL_SESSION_MISMATCH');

    const noCode = await attacker.json(`/handoff/${id}/complete`, {});
    expect(noCode.status).toBe(403);
    expect(((await noCode.json()) as { code: string }).code).toBe('ERR_PORTAL_BROWSER_CODE_INVALID');
    // One wrong try burns the request, so guessing bc is not an option.
    expect(await statusOf(attacker, id)).toMatchObject({ state: 'failed', code: 'ERR_PORTAL_BROWSER_CODE_INVALID' });
    expect((await attacker.json(`/handoff/${id}/complete`, { bc: browserCode })).status).toBe(409);

    expect((await loggedIn(attacker)).active).toBe(false);
    expect((await loggedIn(victim)).active).toBe(false);
  });

  it('a refused token fails the request and the wait page shows the code', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser);
    const { answer, body } = await appSigns(id, 'Z-revoked');
    expect(answer.status).toBe(400);
    expect(body).toMatchObject({ outcome: 'refused', code: 'ERR_TOKEN_CERT_REVOKED', kind: 'fatal' });
    expect(String(body.message)).toContain('ingetrokken');
    expect(await statusOf(browser, id)).toMatchObject({ state: 'failed', code: 'ERR_TOKEN_CERT_REVOKED' });
    const audit = await portal.store.listAudit(1);
    expect(audit[0]).toMatchObject({ action: 'handoff.token', outcome: 'refused', code: 'ERR_TOKEN_CERT_REVOKED' });
  });

  it('refuses a replayed token and an oversized body', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser);
    const { token } = await appSigns(id);
    const replay = await app.post(`/api/handoff/${id}/token`, JSON.stringify(token));
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { code: string }).code).toBe('ERR_TOKEN_REQUEST_USED');
    const huge = await app.post(`/api/handoff/${id}/token`, 'x'.repeat(64 * 1024));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { code: string }).code).toBe('ERR_TOKEN_SIZE');
  });

  it('refuses a blocked user', async () => {
    await portal.store.putUser({ uziNumber: '900016528', ura: '90000382', status: 'blocked', certSha256: null, createdAt: now, lastLoginAt: null });
    const browser = new Browser();
    const id = await startHandoff(browser);
    const { body } = await appSigns(id);
    expect(body.code).toBe('ERR_TOKEN_USER_BLOCKED');
  });

  it('cancel in the app ends the request', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser);
    const request = handoffRequestSchema.parse(await (await app.get(id)).json());
    expect((await app.post(`/api/handoff/${id}/cancel`, '{}')).status).toBe(200);
    expect(await statusOf(browser, id)).toEqual({ state: 'cancelled' });
    expect((await app.post(`/api/handoff/${id}/cancel`, '{}')).status).toBe(409);
    expect((await app.get(id)).status).toBe(409);
    const token = signLabToken({ pki, card: 'Z-huisarts', request, browserCode: newBrowserCode() });
    const late = await app.post(`/api/handoff/${id}/token`, JSON.stringify(token));
    expect(((await late.json()) as { code: string }).code).toBe('ERR_TOKEN_REQUEST_USED');
  });

  it('a request expires after 5 minutes (injected clock)', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser);
    const request = handoffRequestSchema.parse(await (await app.get(id)).json());
    expect(request.expiresAt).toBe(new Date(now + 5 * 60_000).toISOString());
    now += 5 * 60_000;
    expect(await statusOf(browser, id)).toMatchObject({ state: 'expired', code: 'ERR_PORTAL_HANDOFF_EXPIRED' });
    const fetchLate = await app.get(id);
    expect(fetchLate.status).toBe(410);
    const token = signLabToken({ pki, card: 'Z-huisarts', request, browserCode: newBrowserCode() });
    const late = await app.post(`/api/handoff/${id}/token`, JSON.stringify(token));
    expect(late.status).toBe(410);
    expect(((await late.json()) as { code: string }).code).toBe('ERR_TOKEN_REQUEST_EXPIRED');
  });

  it('card removal reported by the app ends the session it opened', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser);
    const { browserCode, body } = await appSigns(id);
    expect((await browser.json(`/handoff/${id}/complete`, { bc: browserCode })).status).toBe(200);
    expect((await loggedIn(browser)).active).toBe(true);

    const removed = await app.post(`/api/handoff/session/${String(body.sessionId)}/card-removed`, '{}');
    expect(await removed.json()).toMatchObject({ ended: 1 });
    expect(await loggedIn(browser)).toMatchObject({ active: false, reason: 'kaart-verwijderd' });
    const page = await browser.fetch('/ingelogd');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/?afgemeld=kaart-verwijderd');
    const landing = await (await browser.fetch('/?afgemeld=kaart-verwijderd')).text();
    expect(landing).toContain('uw pas uit de lezer is gehaald');
  });

  it('answers unknown requests with 404 and refuses a validate-organisation request without URA', async () => {
    const unknown = await app.get('AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('ERR_PORTAL_HANDOFF_NOT_FOUND');
    const browser = new Browser();
    await browser.fetch('/');
    const bad = await browser.json('/api/handoff', { purpose: 'validate-organisation' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('ERR_PORTAL_BAD_REQUEST');
  });

  it('refuses purposes this portal does not support yet (enrol-user)', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser, { purpose: 'enrol-user' });
    const { body } = await appSigns(id);
    expect(body.code).toBe('ERR_TOKEN_PURPOSE_NOT_SUPPORTED');
  });

  it('without auto-enrolment, a card without a portal user is refused', async () => {
    const strict = await createPortal({
      dbPath: join(dir, 'strict.sqlite'),
      trust: { ...labTrust(pki), crls: labCrls(pki) },
      clock: () => now,
      autoEnrolUsers: false,
    });
    const main = portal;
    portal = strict;
    try {
      const browser = new Browser();
      const id = await startHandoff(browser);
      const { body } = await appSigns(id);
      expect(body.code).toBe('ERR_TOKEN_USER_UNKNOWN');
    } finally {
      portal = main;
      await strict.close();
    }
  });

  it('validate-organisation requests carry the URA and refuse a card of another organisation', async () => {
    const browser = new Browser();
    const id = await startHandoff(browser, { purpose: 'validate-organisation', ura: '90000382' });
    const { request, body } = await appSigns(id, 'Z-unknown-ura');
    expect(request).toMatchObject({ purpose: 'validate-organisation', ura: '90000382' });
    expect(body.code).toBe('ERR_TOKEN_URA_MISMATCH');
  });
});
