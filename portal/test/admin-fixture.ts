// Test support for the administration tests: a real portal (loopback HTTP, SQLite file, injected
// clock and rng), active organisations, and people who enrolled with the Mobile App simulator and
// logged in through the landing page's login QR in their own cookie-jar browser.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createMobileApp, pngFromDataUrl, type MobileApp } from '../../test/fakes/mobile-app';
import { issueUserCode, type AdminDeps } from '../admin';
import { createPortal, type Portal } from '../server';
import { readStateTables } from '../store/row-counts';
import type { PersonRecord, PortalRole } from '../store/store';
import { newZorgIdId } from '../zorg-id';
import { labCrls, labTrust, loadLab } from '../../test/card-lab/lab-tokens';
import { TestBrowser, loginQrDataUrl } from './org-flow';

export const ORG_A = { ura: '90000382', name: 'Huisartsenpraktijk De Linde', street: 'Lindelaan 12', postcode: '3511 AB', city: 'Utrecht' };
export const ORG_B = { ura: '90000383', name: 'Apotheek De Eik', street: 'Eikenlaan 3', postcode: '3512 CD', city: 'Utrecht' };
export const ORG_C = { ura: '90000384', name: 'Thuiszorg De Beuk', street: 'Beukenweg 9', postcode: '3513 EF', city: 'Utrecht' };

/** 2026-06-01 12:00 UTC: a fixed day for every birth-date and 10-day rule. */
export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
export const DAY = 24 * 60 * 60_000;

export interface Member {
  person: PersonRecord;
  mobile: MobileApp;
  browser: TestBrowser;
}

export interface AdminWorld {
  portal: Portal;
  dbPath: string;
  now: { value: number };
  deps: () => AdminDeps;
  /** A person with a membership (role) in `ura`, enrolled with a simulator and, unless told otherwise, logged in. */
  member(input: { ura: string; role: PortalRole; name?: [string, string]; birthDate?: string; login?: boolean }): Promise<Member>;
  /** A registered person with a membership but no Mobiel ID yet. */
  registered(ura: string, role?: PortalRole): Promise<PersonRecord>;
  login(browser: TestBrowser, mobile: MobileApp): Promise<void>;
  state(): Record<string, unknown[]>;
  close(): Promise<void>;
}

/** `appUrl`: where ZORG-ID Desktop listens (a fake app in browser tests). */
export async function createAdminWorld(options: { appUrl?: string } = {}): Promise<AdminWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-portal-admin-'));
  const dbPath = join(dir, `admin-${randomBytes(4).toString('hex')}.sqlite`);
  const now = { value: T0 };
  let counter = 0;
  const rng = (n: number) => new Uint8Array(createHash('sha256').update(`admin-rng-${counter++}`).digest().subarray(0, n));
  // The card lab's trust: these tests do no card work, but the portal is the real one.
  const pki = await loadLab();
  const portal = await createPortal({ dbPath, trust: { ...labTrust(pki), crls: labCrls(pki) }, clock: () => now.value, rng, appUrl: options.appUrl });
  const deps = (): AdminDeps => ({ store: portal.store, clock: () => now.value, rng, origin: () => portal.origin });
  for (const org of [ORG_A, ORG_B, ORG_C]) {
    await portal.store.createRegistration({ ...org, status: 'active', createdAt: T0 - 30 * DAY, activatedAt: T0 - 30 * DAY, administrator: null });
  }
  let n = 0;

  async function registered(ura: string, role: PortalRole = 'Gebruiker', name: [string, string] = ['Test', `Persoon ${++n}`], birthDate = '1980-04-12') {
    const person: PersonRecord = {
      id: newZorgIdId(rng),
      givenName: name[0],
      surname: name[1],
      name: `${name[0]} ${name[1]}`,
      birthDate,
      uziNumber: null,
      createdAt: now.value,
      lastUsedAt: null,
    };
    await portal.store.createPerson(person);
    await portal.store.putMembership({ personId: person.id, ura, role, createdAt: now.value });
    return person;
  }

  async function login(browser: TestBrowser, mobile: MobileApp) {
    const landing = await (await browser.fetch('/')).text();
    await mobile.login({ png: pngFromDataUrl(loginQrDataUrl(landing)) });
    const done = (await (await browser.json('/api/login-qr/complete', {})).json()) as { outcome: string };
    expect(done.outcome).toBe('ok');
  }

  return {
    portal,
    dbPath,
    now,
    deps,
    registered: (ura, role) => registered(ura, role),
    login,
    async member(input) {
      const birthDate = input.birthDate ?? '1980-04-12';
      const person = await registered(input.ura, input.role, input.name, birthDate);
      const code = await issueUserCode(deps(), person, input.ura, input.role);
      const mobile = createMobileApp();
      await mobile.enrol({ payload: code.payload }, birthDate);
      const browser = new TestBrowser(() => portal);
      if (input.login !== false) await login(browser, mobile);
      return { person, mobile, browser };
    },
    state: () => readStateTables(dbPath),
    async close() {
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** JSON calls of the administration API as a browser of the portal makes them. */
export async function api(browser: TestBrowser, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res =
    method === 'GET' ? await browser.fetch(path, { headers: { accept: 'application/json' } }) : await browser.json(path, body ?? {});
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { html: text };
  }
  return { status: res.status, json };
}
