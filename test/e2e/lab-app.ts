// What the E2E specs against the preview app share: the app started with its login listener on a known
// port, reference portals with the card lab's trust and CRLs that the app allows, the app window with a
// card read, and the axe check. Specs that use the card lab run under `flock /tmp/zorgid-lab.lock`
// (the vpcd readers are shared).
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPortal, type Portal, type PortalOptions } from '../../portal/server';
import { labCrls, labTrust, loadLab } from '../card-lab/lab-tokens';
import { PCSCD_SOCKET, VPCD_READERS } from '../card-lab/pcscd';
import { expect, invokeInPage, startPreview, test } from './fixtures';

export type PreviewApp = Awaited<ReturnType<typeof startPreview>>;

/** The PIN of every card in the card lab. */
export const LAB_PIN = '123456';
/** The holder on the lab's Z card. */
export const LAB_HOLDER = 'Anna Maria de Vries';

/** The vpcd reader's PC/SC name, as the app shows it (`section[data-reader]`). */
export function labReader(index = 0): string {
  const name = VPCD_READERS[index];
  if (!name) throw new Error(`the card lab has readers 0 to ${VPCD_READERS.length - 1}, not ${index}`);
  return name;
}

export const hostOf = (url: string): string => new URL(url).host;

/**
 * Skips the calling spec file when pcscd with vpcd is not running, and fails it instead when CI=true.
 * Call at the top of the spec file; `what` names the spec in the message.
 */
export function requireCardLab(what: string): void {
  const ready = existsSync(PCSCD_SOCKET) && existsSync('/etc/reader.conf.d/vpcd');
  if (!ready && process.env.CI === 'true') throw new Error(`card lab (pcscd + vpcd) is required in CI: the ${what} must run`);
  test.skip(!ready, `pcscd with vpcd is not running here (scripts/with-pcscd.sh); the ${what} needs the card lab and is skipped`);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A reference portal for startLabApp: any portal option but its file, trust and app URL, which startLabApp sets. */
export type LabPortalSpec = Omit<PortalOptions, 'dbPath' | 'trust' | 'appUrl'> & {
  /** Names the portal's SQLite file in the data dir. */
  name: string;
};

export interface StartLabAppOptions {
  /** Reference portals with the card lab's trust and CRLs, created in this order; the app allows each. */
  portals?: LabPortalSpec[];
  /** More arguments for the preview host (e.g. `--allow-portal` for a portal made elsewhere). */
  extraArgs?: string[];
  /** Where the app (`<dataDir>/app`) and the portals keep their files; default a fresh temp dir that close() removes. */
  dataDir?: string;
  /** The login listener's port, when a portal made elsewhere needs the app's URL first; default a free port. */
  handoffPort?: number;
  /** The card lab's vpcd readers (default); false: the in-process demo card, no lab lock needed. */
  cardLab?: boolean;
}

export interface LabApp {
  app: PreviewApp;
  /** The app's login listener, http://127.0.0.1:<handoffPort>. */
  appUrl: string;
  /** The portals of `options.portals`, in that order. */
  portals: Portal[];
  dataDir: string;
  /** Stops the app, then the portals (one a test closed already is fine). */
  close(): Promise<void>;
}

export async function startLabApp(options: StartLabAppOptions = {}): Promise<LabApp> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'zorgid-e2e-lab-'));
  const port = options.handoffPort ?? (await freePort());
  const appUrl = `http://127.0.0.1:${port}`;
  const portals: Portal[] = [];
  let app: PreviewApp | undefined;
  const close = async (): Promise<void> => {
    if (app && app.child.exitCode === null && app.child.signalCode === null) {
      const exited = new Promise((r) => app!.child.once('exit', r));
      app.child.kill('SIGTERM');
      await exited;
    }
    for (const portal of portals) await portal.close();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (options.portals?.length) {
      const pki = await loadLab();
      const trust = { ...labTrust(pki), crls: labCrls(pki) };
      for (const { name, ...portalOptions } of options.portals) {
        portals.push(await createPortal({ ...portalOptions, dbPath: join(dataDir, `${name}.sqlite`), trust, appUrl }));
      }
    }
    app = await startPreview([
      ...(options.cardLab === false ? [] : ['--card-lab']),
      '--data-dir',
      join(dataDir, 'app'),
      '--handoff-port',
      String(port),
      ...portals.flatMap((p) => ['--allow-portal', p.origin]),
      ...(options.extraArgs ?? []),
    ]);
    expect(app.handoffUrl).toBe(appUrl);
  } catch (e) {
    await close();
    throw e;
  }
  return { app, appUrl, portals, dataDir, close };
}

export interface OpenAppOptions {
  /** The card the lab puts in `reader` once the window is up; none: no card is inserted. */
  card?: 'Z' | 'M';
  /** Default 0. */
  reader?: number;
  /** Default 'nl'. */
  lang?: 'nl' | 'en';
  /** What the reader's section shows once the card is read; default the Z card's holder. */
  holderText?: string;
}

/** The app window (a tab on the preview host) in `lang`, with nothing left on screen by an earlier test and `card` read. */
export async function openApp(browser: Browser, app: PreviewApp, options: OpenAppOptions = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const { card, reader = 0, lang = 'nl', holderText = LAB_HOLDER } = options;
  const ctx = await browser.newContext({ locale: 'nl-NL' });
  const page = await ctx.newPage();
  const bridge = () => page.waitForFunction(() => 'zorgid' in globalThis);
  await page.goto(app.url);
  await bridge();
  await invokeInPage(page, 'settings:set', { language: lang });
  await page.reload();
  await bridge();
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  const state = (await invokeInPage(page, 'handoff:state')) as { ok: boolean; value: { step: string; request?: { flow: number } } };
  if (state.ok && state.value.request) await invokeInPage(page, 'handoff:dismiss', { flow: state.value.request.flow });
  if (card) {
    // The card goes back in fresh (3 PIN tries).
    await invokeInPage(page, 'demo:insert', { card, reader });
    // Usually ~2.5 s. An earlier test may pull the card mid-operation; when OpenSC deadlocks on that
    // (build-notes.md), the next read recovers only through the 15 s read deadline, the host restart and
    // a fresh read (~5 s): that recovery is the product's behaviour, so the wait allows for it.
    await expect(page.locator(`section[data-reader="${labReader(reader)}"]`)).toContainText(holderText, { timeout: 30_000 });
  }
  return { ctx, page };
}

/** axe-core with the WCAG 2.2 AA tags and best practices: no violations, and at least `minPasses` rules passed. */
export async function noViolations(page: Page, label: string, { minPasses = 10 }: { minPasses?: number } = {}): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  expect(
    results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe violations on ${label}`,
  ).toEqual([]);
  expect(results.passes.length).toBeGreaterThan(minPasses);
}

/** Clicks the portal's card login; resolves with the request id once the wait page shows. */
export async function startLogin(page: Page, portalUrl: string): Promise<string> {
  await page.goto(`${portalUrl}/`);
  await page.click('#login-card');
  await page.waitForURL(/\/handoff\/[A-Za-z0-9_-]{22}\/wait$/, { timeout: 10_000 });
  expect(page.url()).not.toContain('bc=');
  return /\/handoff\/([A-Za-z0-9_-]{22})\/wait$/.exec(page.url())![1]!;
}
