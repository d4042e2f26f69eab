// The listener and the portal client against the real reference portal (portal/server.ts) and the card
// lab's test PKI: what the browser, the app and the portal each see in one login, plus cancel, card
// removal and "the request of another portal" with two real portals.
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CardEvent, CardReading } from '../../src/shared/domain';
import { AppError } from '../../src/shared/errors';
import type { CardService, SignRequest } from '../../src/main/core/card/card-port';
import { parseUziCertificate } from '@zorgid/uzi';
import { reportCardRemoval, runHandoff, type HandoffResult, type HandoffScreens, type PinRequest } from '../../src/main/core/handoff/handoff-flow';
import { createPortal, type Portal } from '../../portal/server';
import { LAB_VALID_AT, labCrls, labTrust, loadLab, signLabToken } from '../card-lab/lab-tokens';
import type { CardLabPki } from '../card-lab/pki';
import { openAppStore, type AppStore } from '../../src/main/core/store/app-store';
import { startLoopbackListener, type HandoffFlow, type LoopbackListener } from '../../src/main/core/handoff/loopback-listener';
import { createPortalClient, type PortalClient } from '../../src/main/core/handoff/portal-client';

let pki: CardLabPki;
let dir: string;
let portal: Portal;
let listener: LoopbackListener;
let client: PortalClient;
let store: AppStore;
let allow: string[];
let now: number;
let flows: HandoffFlow[];

beforeAll(async () => {
  pki = await loadLab();
  dir = mkdtempSync(join(tmpdir(), 'zorgid-app-portal-'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function newPortal(): Promise<Portal> {
  return createPortal({
    dbPath: join(dir, `portal-${Math.random().toString(36).slice(2)}.sqlite`),
    trust: { ...labTrust(pki), crls: labCrls(pki) },
    clock: () => now,
    appUrl: listener ? `http://127.0.0.1:${listener.port}` : undefined,
  });
}

beforeEach(async () => {
  now = LAB_VALID_AT.getTime();
  flows = [];
  allow = [];
  store = openAppStore({ path: join(dir, `app-${Math.random().toString(36).slice(2)}.sqlite`), clock: () => now });
  client = createPortalClient({ allowlist: () => allow });
  listener = await startLoopbackListener({
    port: 0,
    fallbackPorts: [],
    clock: () => now,
    rng: (n) => new Uint8Array(n).fill(flows.length + 1),
    allowlist: () => allow,
    portal: client,
    onHandoff: (flow) => void flows.push(flow),
    audit: (e) => void store.appendAudit(e),
  });
  portal = await newPortal();
  allow.push(portal.origin);
});

afterEach(async () => {
  await listener.close();
  await portal.close();
  store.close();
});

/** A browser: one cookie jar per portal origin, no automatic redirects. */
class Browser {
  cookies = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [name, ...value] = c.split(';')[0]!.split('=');
      this.cookies.set(name!, value.join('='));
    }
    return res;
  }
  /** The portal page's login button: creates the request and follows it to the start page's app link. */
  async startLogin(on: Portal): Promise<{ id: string; appLink: string }> {
    await this.fetch(`${on.url}/`);
    const res = await this.fetch(`${on.url}/api/handoff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: on.origin },
      body: JSON.stringify({ purpose: 'login' }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; appUrl: string };
    return { id: body.id, appLink: body.appUrl };
  }
  /**
   * A top-level navigation to the app, with the headers Chromium sends for it. Over node:http: Node's
   * fetch adds its own `Sec-Fetch-Mode: cors`, which the listener rightly refuses.
   */
  navigate(url: string): Promise<{ status: number; location: string | undefined; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpGet(url, { headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'cross-site' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      });
      req.on('error', reject);
    });
  }
}

describe('loopback listener + portal client with the reference portal', () => {
  it('runs a login: navigation → 303 to the wait page → token posted → the browser with bc is logged in', async () => {
    const browser = new Browser();
    const { id, appLink } = await browser.startLogin(portal);
    expect(appLink.startsWith(`http://127.0.0.1:${listener.port}/handoff?`)).toBe(true);

    const toApp = await browser.navigate(appLink);
    expect(toApp.status, toApp.body).toBe(303);
    const wait = new URL(toApp.location!);
    expect(`${wait.origin}${wait.pathname}`).toBe(`${portal.origin}/handoff/${id}/wait`);
    expect(flows).toHaveLength(1);
    const flow = flows[0]!;
    expect(wait.searchParams.get('bc')).toBe(flow.browserCode);
    expect((await browser.fetch(wait.href)).status).toBe(200);

    // What the app does once the person has entered the PIN (here: the lab key signs).
    await client.reportCardRead(flow.portal, id);
    const token = signLabToken({ pki, card: 'Z-huisarts', request: flow.request, browserCode: flow.browserCode });
    const { sessionId } = await client.postToken(flow.portal, id, token);
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const done = await browser.fetch(`${portal.url}/handoff/${id}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: portal.origin },
      body: JSON.stringify({ bc: flow.browserCode }),
    });
    expect(done.status).toBe(200);
    const session = async () => (await (await browser.fetch(`${portal.url}/api/session`)).json()) as { active: boolean; holder?: { uziNumber: string } };
    expect(await session()).toMatchObject({ active: true, holder: { uziNumber: '900016528' } });

    // §6: the card leaves the reader → the portal session that card opened ends.
    expect(await client.cardRemoved(flow.portal, sessionId)).toEqual({ ended: 1 });
    expect((await session()).active).toBe(false);

    // A replay of the same navigation is refused by the app before the portal is asked again.
    const again = await browser.navigate(appLink);
    expect(again.status).toBe(409);
    expect(again.body).toContain('ERR_HANDOFF_REQUEST_REUSED');
    expect(store.verifyAuditChain()).toMatchObject({ ok: true, count: 2 });
  });

  it('a token the portal refuses comes back as the validator’s code', async () => {
    const browser = new Browser();
    const { appLink } = await browser.startLogin(portal);
    await browser.navigate(appLink);
    const flow = flows[0]!;
    // Signed for another browser code than the one in the token: the signature does not verify.
    const token = signLabToken({ pki, card: 'Z-huisarts', request: flow.request, browserCode: flow.browserCode });
    const forged = { ...token, browserCodeHash: 'A'.repeat(43) };
    await expect(client.postToken(flow.portal, flow.request.id, forged)).rejects.toMatchObject({ code: 'ERR_TOKEN_SIGNATURE_INVALID' });
  });

  it('cancel in the app cancels the request at the portal', async () => {
    const browser = new Browser();
    const { id, appLink } = await browser.startLogin(portal);
    await browser.navigate(appLink);
    await client.cancel(portal.origin, id);
    const status = (await (await browser.fetch(`${portal.url}/handoff/${id}/status`)).json()) as { state: string };
    expect(status.state).toBe('cancelled');
    await expect(client.cancel(portal.origin, id)).rejects.toMatchObject({ code: 'ERR_PORTAL_HANDOFF_NOT_PENDING' });
  });

  it('refuses the request of another portal: a real request id named with a different (allowlisted) portal', async () => {
    const other = await newPortal();
    allow.push(other.origin);
    try {
      const browser = new Browser();
      const { id } = await browser.startLogin(other);
      const crossed = `http://127.0.0.1:${listener.port}/handoff?portal=${encodeURIComponent(portal.origin)}&request=${id}`;
      const res = await browser.navigate(crossed);
      expect(res.status).toBe(404);
      expect(res.body).toContain('ERR_PORTAL_HANDOFF_NOT_FOUND');
      expect(flows).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('an expired request at the portal is refused by the app', async () => {
    const browser = new Browser();
    const { appLink } = await browser.startLogin(portal);
    now += 5 * 60_000 + 1;
    const res = await browser.navigate(appLink);
    expect(res.status).toBe(410);
    expect(res.body).toContain('ERR_PORTAL_HANDOFF_EXPIRED');
  });
});

// ---- the whole flow: runHandoff with an in-memory card port holding a lab card's key ----------------

const LAB_PIN = '123456';

/**
 * The card port in memory (mocks at ports only): the lab card's auth certificate and key, a PIN
 * counter of 3 like the PIV card, and raw CKM_RSA_PKCS signing. The real card and its counting are
 * the card core's lab tests.
 */
function labCard(opts: { removeDuringSign?: boolean } = {}) {
  const auth = pki.cards['Z-huisarts'].auth!;
  const holder = parseUziCertificate(new Uint8Array(auth.certDer));
  let tries = 3;
  const pinsSeen: Buffer[] = [];
  const subscribers = new Set<(e: CardEvent) => void>();
  const reading = (): CardReading => ({
    reader: 'Lab Reader 00',
    slotId: '0',
    tokenLabel: 'UZI-pas',
    tokenSerial: '1',
    pin: { countLow: tries < 3, finalTry: tries === 1, locked: tries === 0, pinpad: false, minLength: 4, maxLength: 8 },
    certificates: [{ id: '01', label: 'auth', der: Buffer.from(auth.certDer).toString('base64'), usage: 'authentication', keyBits: 2048 }],
    authCertificateId: '01',
    holder,
    holderError: null,
    validity: 'valid',
  });
  const service: Pick<CardService, 'read' | 'sign' | 'subscribe'> = {
    async read() {
      return reading();
    },
    async sign(req: SignRequest) {
      pinsSeen.push(req.pin);
      try {
        if (opts.removeDuringSign) throw new AppError('ERR_CARD_REMOVED');
        if (tries === 0) throw new AppError('ERR_PIN_LOCKED');
        if (req.pin.toString() !== LAB_PIN) {
          tries -= 1;
          throw new AppError(tries === 0 ? 'ERR_PIN_LOCKED' : 'ERR_PIN_INCORRECT');
        }
        tries = 3;
        expect(req.mechanism).toBe('RSA_PKCS');
        const key = createPrivateKey({ key: Buffer.from(auth.keyPkcs8Der), format: 'der', type: 'pkcs8' });
        return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, req.data);
      } finally {
        req.pin.fill(0);
      }
    },
    subscribe(listener) {
      subscribers.add(listener);
      return () => subscribers.delete(listener);
    },
  };
  return { service, pinsSeen, holder, emit: (e: CardEvent) => subscribers.forEach((s) => s(e)), subscribers };
}

function screens(pins: (string | null)[], confirm: boolean = true) {
  const asked: PinRequest[] = [];
  const results: HandoffResult[] = [];
  const given: Buffer[] = [];
  const s: HandoffScreens = {
    async confirmRequest() {
      return confirm ? { reader: 'Lab Reader 00' } : null;
    },
    async askPin(req) {
      asked.push(req);
      const next = pins.shift();
      if (next === null || next === undefined) return null;
      const b = Buffer.from(next);
      given.push(b);
      return b;
    },
    finished: (r) => void results.push(r),
  };
  return { s, asked, results, given };
}

describe('runHandoff with the reference portal', () => {
  async function startFlow(browser: Browser): Promise<{ id: string; flow: HandoffFlow; wait: string }> {
    const { id, appLink } = await browser.startLogin(portal);
    const nav = await browser.navigate(appLink);
    expect(nav.status, nav.body).toBe(303);
    return { id, flow: flows.at(-1)!, wait: nav.location! };
  }
  const portalState = async (browser: Browser, id: string) =>
    ((await (await browser.fetch(`${portal.url}/handoff/${id}/status`)).json()) as { state: string; code?: string }).state;

  it('logs in: card read, PIN asked in the app, token signed and accepted; pulling the card ends the session', async () => {
    const browser = new Browser();
    const { id, flow } = await startFlow(browser);
    const card = labCard();
    const ui = screens([LAB_PIN]);
    const result = await runHandoff({ card: card.service, screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0' }, flow);
    expect(result).toMatchObject({ outcome: 'done', reader: 'Lab Reader 00', holder: { uziNumber: card.holder.uziNumber } });
    expect(ui.results).toEqual([result]);
    expect(ui.asked).toEqual([expect.objectContaining({ previousError: null, status: expect.objectContaining({ finalTry: false }) })]);
    // Every PIN buffer is zero after use.
    expect(ui.given.every((b) => b.every((x) => x === 0))).toBe(true);
    expect(await portalState(browser, id)).toBe('done');

    const done = await browser.fetch(`${portal.url}/handoff/${id}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: portal.origin },
      body: JSON.stringify({ bc: flow.browserCode }),
    });
    expect(done.status).toBe(200);
    const active = async () => ((await (await browser.fetch(`${portal.url}/api/session`)).json()) as { active: boolean }).active;
    expect(await active()).toBe(true);

    if (result.outcome !== 'done') throw new Error('unreachable');
    const stop = reportCardRemoval({ card: card.service, portal: client, audit: (e) => void store.appendAudit(e) }, result);
    card.emit({ type: 'removed', reader: 'Other Reader', at: now });
    expect(await active()).toBe(true);
    const started = Date.now();
    card.emit({ type: 'removed', reader: 'Lab Reader 00', at: now });
    await vi.waitFor(async () => expect(await active()).toBe(false), { timeout: 2_000, interval: 20 });
    expect(Date.now() - started).toBeLessThan(2_000);
    await vi.waitFor(() => expect(card.subscribers.size).toBe(0));
    stop();

    // The app writes its card-removed record when the portal has answered, which may be a moment after
    // the session shows as ended (the portal's answer waits for its group commit).
    const log = () => store.listAudit().map((r) => `${r.record.step}:${r.record.outcome}`);
    await vi.waitFor(() => expect(log()).toEqual(['navigate:ok', 'card-read:ok', 'signed:ok', 'token-posted:ok', 'card-removed:ok']), { timeout: 2_000, interval: 20 });
    const text = JSON.stringify(store.listAudit());
    expect(text).not.toContain(LAB_PIN);
    expect(text).not.toContain(flow.request.challenge);
    expect(text).not.toContain(flow.browserCode);
    expect(store.verifyAuditChain()).toMatchObject({ ok: true, count: 5 });
  });

  it('a wrong PIN asks again with the card’s new status; the right PIN then signs', async () => {
    const browser = new Browser();
    const { id, flow } = await startFlow(browser);
    const card = labCard();
    const ui = screens(['000000', LAB_PIN]);
    const result = await runHandoff({ card: card.service, screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0' }, flow);
    expect(result.outcome).toBe('done');
    expect(ui.asked.map((a) => a.previousError)).toEqual([null, 'ERR_PIN_INCORRECT']);
    expect(ui.asked[1]!.status.countLow).toBe(true);
    expect(card.pinsSeen).toHaveLength(2);
    expect(ui.given.every((b) => b.every((x) => x === 0))).toBe(true);
    expect(await portalState(browser, id)).toBe('done');
  });

  it('a PIN that gets blocked ends the flow with ERR_PIN_LOCKED and cancels the portal request', async () => {
    const browser = new Browser();
    const { id, flow } = await startFlow(browser);
    const ui = screens(['000000', '111111', '222222', LAB_PIN]);
    const result = await runHandoff({ card: labCard().service, screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0' }, flow);
    expect(result).toEqual({ outcome: 'failed', code: 'ERR_PIN_LOCKED' });
    expect(ui.asked.map((a) => a.previousError)).toEqual([null, 'ERR_PIN_INCORRECT', 'ERR_PIN_INCORRECT']);
    expect(ui.asked[2]!.status.finalTry).toBe(true);
    expect(await portalState(browser, id)).toBe('cancelled');
  });

  it('cancel on the request screen or at the PIN cancels the portal request', async () => {
    const browser = new Browser();
    const first = await startFlow(browser);
    expect(await runHandoff({ card: labCard().service, screens: screens([], false).s, portal: client, audit: () => {}, appVersion: '0.1.0' }, first.flow)).toEqual({
      outcome: 'cancelled',
    });
    expect(await portalState(browser, first.id)).toBe('cancelled');
    const second = await startFlow(browser);
    expect(await runHandoff({ card: labCard().service, screens: screens([null]).s, portal: client, audit: () => {}, appVersion: '0.1.0' }, second.flow)).toEqual({
      outcome: 'cancelled',
    });
    expect(await portalState(browser, second.id)).toBe('cancelled');
  });

  it('a card pulled during signing fails with ERR_CARD_REMOVED and the portal request is cancelled', async () => {
    const browser = new Browser();
    const { id, flow } = await startFlow(browser);
    const ui = screens([LAB_PIN]);
    const result = await runHandoff({ card: labCard({ removeDuringSign: true }).service, screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0' }, flow);
    expect(result).toEqual({ outcome: 'failed', code: 'ERR_CARD_REMOVED' });
    expect(ui.given[0]!.every((x) => x === 0)).toBe(true);
    expect(await portalState(browser, id)).toBe('cancelled');
  });

  it('a request that expired while the person hesitated is refused by the portal with its own code', async () => {
    const browser = new Browser();
    const { flow } = await startFlow(browser);
    now += 5 * 60_000 + 1;
    const result = await runHandoff({ card: labCard().service, screens: screens([LAB_PIN]).s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0' }, flow);
    expect(result).toEqual({ outcome: 'failed', code: 'ERR_TOKEN_REQUEST_EXPIRED' });
  });
});
