#!/usr/bin/env node
// `npm start` (= --demo): the demo on a fresh machine with only Node.
//   Electron binary present → electron-vite dev with the demo card (ZORGID_MODE=demo);
//   otherwise               → the browser preview host (src/main/preview) + the system browser.
//   The demo card: the card lab's virtual card over real PC/SC + PKCS#11 when pcscd and vpcd run,
//   otherwise the in-process demo card (decided in src/main/card-backend.ts).
// `npm run app` (= --real): real readers only, never a demo card.
//   --demo also starts the reference ZORG-ID Portaal (portal/) on http://127.0.0.1:24780, trusting the
//   card lab's TEST PKI, its SQLite in a temp folder; the app allows that origin for this run only
//   (ZORGID_PORTAL_URL): the installed app's default allowlist trusts no portal (docs/policy.md); and
//   the example OpenID relying party (examples/relying-party/) on http://127.0.0.1:24790, registered at it.
// Options: --port <n> (preview), --no-open (do not start a browser), --no-portal.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const mode = args.includes('--real') ? 'real' : 'demo';
const open = !args.includes('--no-open');
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? args[portIndex + 1] : '0';

function electronBinary() {
  try {
    // Without its binary, require('electron') throws "Electron failed to install correctly".
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildRendererIfNeeded() {
  const index = join(root, 'dist/renderer/index.html');
  const sources = Math.max(newestMtime(join(root, 'src/renderer')), newestMtime(join(root, 'src/shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  console.log('Building the renderer (once)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.renderer.config.mts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function openBrowser(url) {
  if (!open) return;
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => console.log('(Could not open a browser; open the address above yourself.)'));
    child.unref();
  } catch {
    // No browser on this machine: the printed URL is enough.
  }
}

const PORTAL_PORT = 24780;
const RP_PORT = 24790;
/** The first http://127.0.0.1:<port> a child prints, or null when it exits or a minute passes first. */
function firstLoopbackUrl(child) {
  return new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(null), 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const found = out.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

/** The example relying party's secret, new every run, handed to both through the environment. */
const RP_SECRET = randomBytes(32).toString('base64url');
const RP_ENV = { ZORGID_DEMO_RP_URL: `http://127.0.0.1:${RP_PORT}`, ZORGID_RP_CLIENT_SECRET: RP_SECRET };

/**
 * The reference ZORG-ID Portaal beside the demo (never beside `npm run app`: real readers talk to real
 * portals). A fixed port, so the printed address stays the same from run to run; the app is told it
 * through ZORGID_PORTAL_URL (its default allowlist is empty). Its data in a fresh temp folder, so every
 * demo starts with no users and no sessions.
 */
async function startReferencePortal() {
  if (mode !== 'demo' || args.includes('--no-portal')) return null;
  const db = join(mkdtempSync(join(tmpdir(), 'zorgid-portal-')), 'portal.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'portal/main.ts'), '--port', String(PORTAL_PORT), '--db', db], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...RP_ENV },
  });
  process.on('exit', () => child.kill('SIGTERM'));
  const url = await firstLoopbackUrl(child);
  if (!url) {
    console.log(`(The reference portal did not start on port ${PORTAL_PORT}; the demo runs without it.)`);
    child.kill('SIGTERM');
    return null;
  }
  console.log(`ZORG-ID Portaal (reference, TEST PKI): ${url}/`);
  return { url, child };
}

/** The example relying party (examples/relying-party/) beside the portal: "Inloggen met ZORG-ID". */
async function startRelyingParty(portal) {
  if (!portal) return null;
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'examples/relying-party/main.ts'), '--issuer', `${portal.url}/oidc`, '--port', String(RP_PORT)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ZORGID_RP_CLIENT_SECRET: RP_SECRET },
  });
  process.on('exit', () => child.kill('SIGTERM'));
  const url = await firstLoopbackUrl(child);
  if (!url) {
    console.log(`(The example relying party did not start on port ${RP_PORT}; the demo runs without it.)`);
    child.kill('SIGTERM');
    return null;
  }
  console.log(`Voorbeeld-EPD (example OpenID relying party): ${url}/`);
  return { url, child };
}

function forwardSignals(child, portal) {
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => {
      child.kill(signal);
      portal?.child.kill(signal);
    });
  child.on('exit', (code, signal) => {
    portal?.child.kill('SIGTERM');
    process.exit(code ?? (signal ? 1 : 0));
  });
}

async function main() {
  const portal = await startReferencePortal();
  const rp = await startRelyingParty(portal);
  if (rp) process.on('exit', () => rp.child.kill('SIGTERM'));
  const env = { ...process.env, ZORGID_MODE: mode, ...(portal ? { ZORGID_PORTAL_URL: portal.url } : {}) };

  if (electronBinary()) {
    console.log(`Starting ZORG-ID Desktop (Electron${mode === 'demo' ? ', DEMO' : ''})…`);
    const cli = join(root, 'node_modules/electron-vite/bin/electron-vite.js');
    forwardSignals(spawn(process.execPath, [cli, 'dev'], { cwd: root, stdio: 'inherit', env }), portal);
    return;
  }

  console.log('Electron is not installed here; starting the browser preview instead.');
  buildRendererIfNeeded();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main/preview/main.ts'), `--${mode}`, '--port', port], {
    cwd: root,
    stdio: ['inherit', 'pipe', 'inherit'],
    env,
  });
  forwardSignals(child, portal);
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (buffer === null) return;
    buffer += chunk.toString();
    const url = buffer.match(/http:\/\/127\.0\.0\.1:\d+\//)?.[0];
    if (url) {
      buffer = null;
      if (portal) console.log(`Log in on the portal: ${portal.url}/ (the app's login screen appears at ${url})`);
      console.log('Press Ctrl+C to stop.');
      openBrowser(url);
      if (portal) openBrowser(`${portal.url}/`);
    }
  });
}

await main();
