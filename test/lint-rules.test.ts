// The house rules in eslint.config.mjs must really fire: lint probe sources as if they lived at the
// paths the rules protect.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('house rules (eslint)', () => {
  it('refuses an electron import under src/main/core', async () => {
    expect(await ruleIds("import { app } from 'electron';\nexport const a = app;\n", 'src/main/core/probe.ts')).toContain('no-restricted-imports');
  });

  it('allows electron in the Electron glue outside core', async () => {
    expect(await ruleIds("import { app } from 'electron';\nexport const a = app;\n", 'src/main/probe.ts')).toEqual([]);
  });

  it('refuses raw ipcMain outside the IPC registration', async () => {
    expect(await ruleIds("import { ipcMain } from 'electron';\nexport const a = ipcMain;\n", 'src/main/window.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import * as electron from 'electron';\nexport const a = electron.ipcRenderer;\n", 'src/renderer/src/x.ts')).toContain('no-restricted-properties');
  });

  it('allows raw ipcMain in src/main/ipc/register.ts and ipcRenderer in the preload', async () => {
    expect(await ruleIds("import { ipcMain } from 'electron';\nexport const a = ipcMain;\n", 'src/main/ipc/register.ts')).toEqual([]);
    expect(await ruleIds("import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n", 'src/preload/index.ts')).toEqual([]);
  });

  it('keeps native libraries inside their adapter files', async () => {
    const code = "import pcsc from 'pcsclite';\nexport const a = pcsc;\n";
    expect(await ruleIds(code, 'src/main/core/card/card-backend.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(code, 'src/main/core/card/pcsc-adapter.ts')).toEqual([]);
    const g = "import { Module } from 'graphene-pk11';\nexport const a = Module;\n";
    expect(await ruleIds(g, 'src/main/core/identity/x.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(g, 'src/main/core/card/pkcs11-adapter.ts')).toEqual([]);
  });
});
