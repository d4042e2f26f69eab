// Test support for the portal's pages in a real Chromium: the reference portal with the card lab's
// trust, the desktop app played by a small loopback server that does what the app does over HTTP
// (back-channel fetch, 303 to the wait page, then the card's token signed with the lab's Z card), and
// Debian's Chromium.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll } from 'vitest';
import { handoffRequestSchema } from '@zorgid/protocol';
import { createPortal, type Portal } from '../server';
import { labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../../test/card-lab/lab-tokens';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether Debian's Chromium is here. Without it the calling file skips with a warning naming `file`;
 * with CI=true it fails instead (`what` names the test in that message).
 */
export function chromiumAvailable(file: string, what: string): boolean {
  const available = existsSync(CHROMIUM);
  if (!available && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM} (CI=true): the ${what} must run`);
  if (!available) console.warn(`${file} skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
  return available;
}

export interface BrowserPortalOptions {
  /** Prefix of the temp dir that holds the portal's SQLite file. */
  name: string;
  /** How long the fake app "works the card" before it posts the token. */
  signAfterMs: number;
  /** The fake app reports `card-read` progress before the token, as the real app does. */
  reportCardRead?: boolean;
  operatorToken?: string;
}

export interface BrowserPortal {
  portal: Portal;
  browser: Browser;
  /** Request id → the card session id the portal gave the fake app for the back-channel, in order of login. */
  sessions: Map<string, string>;
  close(): Promise<void>;
}

export async function startBrowserPortal(options: BrowserPortalOptions): Promise<BrowserPortal> {
  const pki = await loadLab();
  const dir = mkdtempSync(join(tmpdir(), options.name));
  const sessions = new Map<string, string>();
  const fakeApp = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = url.searchParams.get('portal') ?? '';
    const id = url.searchParams.get('request') ?? '';
    const request = handoffRequestSchema.parse(await (await fetch(`${origin}/api/handoff/${id}`)).json());
    const bc = newBrowserCode();
    res.writeHead(303, { location: `${origin}/handoff/${id}/wait?bc=${bc}` }).end();
    setTimeout(async () => {
      if (options.reportCardRead) await fetch(`${origin}/api/handoff/${id}/progress`, { method: 'POST', body: JSON.stringify({ state: 'card-read' }) });
      const token = signLabToken({ pki, card: 'Z-huisarts', request, browserCode: bc });
      const answer = (await (await fetch(`${origin}/api/handoff/${id}/token`, { method: 'POST', body: JSON.stringify(token) })).json()) as { sessionId: string };
      sessions.set(id, answer.sessionId);
    }, options.signAfterMs);
  });
  let portal: Portal | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await portal?.close();
    fakeApp.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve) => fakeApp.listen(0, '127.0.0.1', resolve));
    const appUrl = `http://127.0.0.1:${(fakeApp.address() as AddressInfo).port}`;
    portal = await createPortal({ dbPath: join(dir, 'portal.sqlite'), trust: { ...labTrust(pki), crls: labCrls(pki) }, appUrl, operatorToken: options.operatorToken });
    browser = await chromium.launch({ executablePath: CHROMIUM });
    return { portal, browser, sessions, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** In the calling describe: the browser portal from its beforeAll to its afterAll; the getter reads it in a test. */
export function useBrowserPortal(options: BrowserPortalOptions): () => BrowserPortal {
  let world: BrowserPortal | undefined;
  beforeAll(async () => {
    world = await startBrowserPortal(options);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });
  return () => {
    if (!world) throw new Error('the browser portal is not up (its beforeAll failed or has not run)');
    return world;
  };
}

/** What goes wrong in `page` that a user would not see: script errors and console errors, as they come. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  return problems;
}
