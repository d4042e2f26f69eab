// A fresh preview host per test (clean demo state), started the way `npm start` starts it: a child
// process running src/main/preview/main.ts, URL read from its first stdout line.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(root, 'test-results/screenshots');

interface PreviewFixture {
  url: string;
  stderr: () => string;
}

export async function startPreview(
  extraArgs: string[],
): Promise<{ child: ChildProcess; url: string; handoffUrl: string | null; stderr: () => string }> {
  if (!existsSync(join(root, 'dist/renderer/index.html'))) throw new Error('dist/renderer missing: run `npm run build` first');
  const child = spawn(
    process.execPath,
    // The in-process demo card unless a test asks for the card lab: the vpcd readers are shared.
    [
      '--import',
      'tsx',
      'src/main/preview/main.ts',
      '--json',
      '--exit-with-parent',
      ...(extraArgs.includes('--real') ? [] : ['--demo']),
      ...(extraArgs.includes('--card-lab') || extraArgs.includes('--real') ? [] : ['--in-process']),
      // The login listener on any free port: the default 24761 may be in use by a running app.
      ...(extraArgs.includes('--handoff-port') ? [] : ['--handoff-port', '0']),
      ...extraArgs,
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const { url, handoffUrl } = await new Promise<{ url: string; handoffUrl: string | null }>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`preview host did not start: ${err}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        const info = JSON.parse(line) as { url: string; handoffUrl?: string | null };
        resolveUrl({ url: info.url, handoffUrl: info.handoffUrl ?? null });
      }
    });
    child.on('exit', (code) => reject(new Error(`preview host exited (${code}): ${err}`)));
  });
  return { child, url, handoffUrl, stderr: () => err };
}

export const test = base.extend<{ preview: PreviewFixture; previewArgs: string[] }>({
  previewArgs: [[], { option: true }],
  preview: async ({ previewArgs }, use) => {
    const { child, url, stderr } = await startPreview(previewArgs);
    await use({ url, stderr });
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  },
});

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Calls the contract from inside the page, exactly as the renderer does. */
export async function invokeInPage(page: Page, channel: string, input?: unknown): Promise<unknown> {
  return page.evaluate(
    ([c, i]) => (globalThis as unknown as { zorgid: { invoke: (c: string, i: unknown) => Promise<unknown> } }).zorgid.invoke(c, i),
    [channel, input] as const,
  );
}

export { expect };
