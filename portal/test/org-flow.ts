// Test support for the organisation validation flow over real HTTP: a cookie-jar browser, the desktop
// app's back-channel calls with tokens signed by the card lab's keys, and the operator's API.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { handoffRequestSchema, type HandoffRequest } from '@zorgid/protocol';
import type { CardLabPki, LabCardId } from '../../test/card-lab/pki';
import type { MobileApp } from '../../test/fakes/mobile-app';
import { ENROLMENT_TTL_MS, organisationAnswerSchema, type OrganisationAnswer } from '../organisation';
import { createPortal, type Portal, type PortalOptions } from '../server';
import { labCrls, labTrust, newBrowserCode, signLabToken, type SignInput } from '../../test/card-lab/lab-tokens';

export const OPERATOR_TOKEN = 'operator-test-token-0123456789';

export const LINDE = { ura: '90000382', name: 'TEST Huisartsenpraktijk De Linde', street: 'Lindelaan 12', postcode: '3511 AB', city: 'Utrecht' };

/** The operator (VZVZ) registers an organisation over its API. */
export function registerOrganisation(portal: Portal, reg: Record<string, string> = LINDE, token = OPERATOR_TOKEN): Promise<Response> {
  return fetch(`${portal.url}/api/operator/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(reg),
  });
}

/** A reference portal on a new SQLite file that trusts the card lab (CRLs included) and knows the operator token. */
export function createOrgPortal(pki: CardLabPki, dbPath: string, options: Pick<PortalOptions, 'clock' | 'rng'>): Promise<Portal> {
  return createPortal({ dbPath, trust: { ...labTrust(pki), crls: labCrls(pki) }, ...options, operatorToken: OPERATOR_TOKEN });
}

/**
 * The lab Z card's holder got a Mobiel ID at `portal` earlier, as Gebruiker of another organisation
 * (90000999): a code a beheerder issued, put in through the portal's store port, redeemed by `mobile`.
 */
export async function enrolEarlierMobielId(portal: Portal, mobile: MobileApp, { now, birthDate }: { now: number; birthDate: string }): Promise<void> {
  const code = 'earlier-code-of-a-beheerder-0001';
  await portal.store.issueEnrolmentCode(
    {
      codeHash: createHash('sha256').update(code).digest('hex'),
      validationId: null,
      uziNumber: '900016528',
      holderName: 'Anna Maria de Vries',
      ura: '90000999',
      role: 'Gebruiker',
      birthDate,
      createdAt: now,
      expiresAt: now + ENROLMENT_TTL_MS,
      usedAt: null,
      voidedAt: null,
      voidReason: null,
      attempts: 0,
    },
    now,
  );
  await mobile.enrol({ payload: `zorgid://enrol?portal=${encodeURIComponent(portal.origin)}&code=${code}` }, birthDate);
}

/** A browser: one cookie jar, no automatic redirects, Origin of the portal on posts. */
export class TestBrowser {
  cookies = new Map<string, string>();
  constructor(private readonly portal: () => Portal) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(path, this.portal().url), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    return res;
  }

  form(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.portal().origin },
      body: new URLSearchParams(fields).toString(),
    });
  }

  json(path: string, body: unknown): Promise<Response> {
    return this.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: this.portal().origin }, body: JSON.stringify(body) });
  }
}

export function flow(portal: () => Portal, pki: () => CardLabPki) {
  const url = (path: string) => `${portal().url}${path}`;

  const register = (reg: Record<string, string> = LINDE, token = OPERATOR_TOKEN) => registerOrganisation(portal(), reg, token);

  /** "Ik wil een organisatie valideren" → URA + checkbox → Volgende; returns the handoff id. */
  async function start(browser: TestBrowser, ura: string): Promise<string> {
    await browser.fetch('/');
    const res = await browser.form('/organisatie/valideren', { ura, gelezen: 'ja' });
    expect(res.status).toBe(303);
    const id = /^\/handoff\/([A-Za-z0-9_-]{22})\/start$/.exec(res.headers.get('location') ?? '')?.[1];
    expect(id).toBeDefined();
    return id!;
  }

  /** The desktop app: back-channel fetch, sign with the card, post the token. */
  async function appSigns(id: string, card: LabCardId, override: Partial<SignInput> = {}) {
    const res = await fetch(url(`/api/handoff/${id}`));
    expect(res.status).toBe(200);
    const request: HandoffRequest = handoffRequestSchema.parse(await res.json());
    const browserCode = newBrowserCode();
    const token = signLabToken({ pki: pki(), card, request, browserCode, ...override });
    const answer = await fetch(url(`/api/handoff/${id}/token`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(token) });
    return { request, browserCode, status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  }

  /** The wait page's completion: bc from the app's 303, then the returnUrl → the validation page. */
  async function complete(browser: TestBrowser, id: string, browserCode: string): Promise<string> {
    expect((await browser.fetch(`/handoff/${id}/wait?bc=${browserCode}`)).status).toBe(200);
    const done = await browser.json(`/handoff/${id}/complete`, { bc: browserCode });
    expect(done.status).toBe(200);
    const next = ((await done.json()) as { next: string }).next;
    const back = await browser.fetch(next);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/organisatie/validatie/${id}`);
    return back.headers.get('location')!;
  }

  /** Start to confirmation page with a valid card; returns what the app got. */
  async function throughCard(browser: TestBrowser, ura: string, card: LabCardId = 'Z-huisarts') {
    const id = await start(browser, ura);
    const signed = await appSigns(id, card);
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    await complete(browser, id, signed.browserCode);
    return { id, sessionId: signed.body.sessionId as string, tokenAnswer: signed.body };
  }

  async function page(browser: TestBrowser, id: string) {
    const res = await browser.fetch(`/organisatie/validatie/${id}`);
    return { status: res.status, html: await res.text() };
  }

  /** The app's follow-up GET over the back-channel. */
  async function appOrganisation(id: string, sessionId: string): Promise<{ status: number; body: OrganisationAnswer | Record<string, unknown> }> {
    const res = await fetch(url(`/api/handoff/${id}/organisation`), { headers: { authorization: `Bearer ${sessionId}` } });
    const json = (await res.json()) as Record<string, unknown>;
    return { status: res.status, body: res.ok ? organisationAnswerSchema.parse(json) : json };
  }

  /** New-Mobiel-ID branch up to the issued code: confirm → birth date → app links → Volgende. */
  async function toCode(browser: TestBrowser, id: string, birthDate: string) {
    expect((await browser.form(`/organisatie/validatie/${id}/bevestigen`, {})).status).toBe(303);
    expect((await browser.form(`/organisatie/validatie/${id}/geboortedatum`, { geboortedatum: birthDate })).status).toBe(303);
    expect((await browser.form(`/organisatie/validatie/${id}/code`, {})).status).toBe(303);
  }

  return { register, start, appSigns, complete, throughCard, page, appOrganisation, toCode };
}

/** The PNG of the landing page's login QR as the page renders it. */
export function loginQrDataUrl(landingHtml: string): string {
  const m = /<img src="(data:image\/png;base64,[A-Za-z0-9+/=]+)" alt="QR-code om in te loggen/.exec(landingHtml);
  if (!m) throw new Error('no login QR on the landing page');
  return m[1]!;
}
