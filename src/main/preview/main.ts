// Entry of the browser preview host: `node --import tsx src/main/preview/main.ts --demo|--real`.
// Composition root of the preview: settings, card backend, handlers, HTTP host.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppInfo } from '../../shared/contract';
import { createCardBackend, type CardBackendMode } from '../card-backend';
import { createCardHost } from '../core/host/supervisor';
import { createFileSettings, createMemorySettings } from '../core/settings';
import { createHandlers } from '../handlers';
import { startPreviewHost } from './server';

interface Args {
  mode: CardBackendMode;
  port: number;
  rendererDir: string;
  settingsFile: string | null;
  json: boolean;
  exitWithParent: boolean;
  demoReadDelayMs: number | undefined;
  demoBackend: 'auto' | 'in-process' | 'card-lab';
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const mode: CardBackendMode = argv.includes('--real') ? 'real' : 'demo';
  const delay = value('--demo-read-delay');
  return {
    mode,
    port: Number(value('--port') ?? 0),
    rendererDir: resolve(value('--renderer') ?? join(repoRoot, 'dist/renderer')),
    // The demo keeps settings in memory: a demo must not change the person's real settings.
    settingsFile: value('--settings') ?? (mode === 'real' ? join(homedir(), '.config', 'zorgid-desktop', 'settings.json') : null),
    json: argv.includes('--json'),
    exitWithParent: argv.includes('--exit-with-parent'),
    demoBackend: argv.includes('--in-process') ? 'in-process' : argv.includes('--card-lab') ? 'card-lab' : 'auto',
    demoReadDelayMs: delay === undefined ? undefined : Number(delay),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const settings = args.settingsFile ? createFileSettings(args.settingsFile) : createMemorySettings();
  const backend = await createCardBackend({
    mode: args.mode,
    clock: Date.now,
    log,
    pkcs11ModulePath: (await settings.get()).pkcs11ModulePath,
    demoBackend: args.demoBackend,
    // The supervised card host as a forked Node child (Electron uses a utilityProcess instead).
    cardHost: async ({ pkcs11ModulePath }) => createCardHost({ modulePath: pkcs11ModulePath }),
    ...(args.demoReadDelayMs !== undefined ? { demoReadDelayMs: args.demoReadDelayMs } : {}),
  });
  const info: AppInfo = {
    name: 'ZORG-ID Desktop',
    version: process.env.npm_package_version ?? '0.1.0',
    mode: args.mode,
    demoBackend: backend.demoBackend,
    platform: process.platform,
  };
  const host = await startPreviewHost({
    handlers: createHandlers({ card: backend.card, settings, info, demo: backend.demo }),
    subscribe: (listener) => backend.card.subscribe(listener),
    rendererDir: args.rendererDir,
    port: args.port,
    log,
  });
  // The URL alone; the secret is in the served page, not in the URL or the terminal.
  process.stdout.write(args.json ? `${JSON.stringify({ url: host.url })}\n` : `ZORG-ID Desktop (browser preview${args.mode === 'demo' ? ', DEMO' : ''}): ${host.url}\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await backend.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Opt-in: a parent that dies (test runner, npm start) closes our stdin pipe; follow it rather than linger.
  if (args.exitWithParent) process.stdin.on('end', () => void stop()).resume();
}

main().catch((err: unknown) => {
  process.stderr.write(`preview host failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
