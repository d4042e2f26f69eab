// The house rules in eslint.config.mjs must really fire: lint probe sources as if they lived at the
// paths the rules protect.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('keeps the app, the portal and the packages apart', async () => {
    expect(await ruleIds("import { createPortal } from '../../portal/server';\nexport const a = createPortal;\n", 'src/main/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { AppError } from '../src/shared/errors';\nexport const a = AppError;\n", 'portal/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { createValidator } from '@zorgid/validator';\nexport const a = createValidator;\n", 'src/main/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { createValidator } from '@zorgid/validator';\nexport const a = createValidator;\n", 'packages/uzi/src/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { roleLabel } from '@zorgid/uzi';\nexport const a = roleLabel;\n", 'packages/protocol/src/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { AppError } from '../../../src/shared/errors';\nexport const a = AppError;\n", 'packages/uzi/src/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { isPortalOrigin } from '@zorgid/protocol';\nexport const a = isPortalOrigin;\n", 'packages/uzi/src/probe.ts')).toEqual([]);
    expect(await ruleIds("import { createValidator } from '@zorgid/validator';\nexport const a = createValidator;\n", 'portal/probe.ts')).toEqual([]);
  });

  it('holds product code to 400 lines a file and 120 a function, not tests', async () => {
    const longFile = Array.from({ length: 401 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    const longFunction = `export function f(): number {\n  let n = 0;\n${'  n += 1;\n'.repeat(118)}  return n;\n}\n`;
    expect(await ruleIds(longFile, 'src/main/probe.ts')).toContain('max-lines');
    expect(await ruleIds(longFunction, 'portal/probe.ts')).toContain('max-lines-per-function');
    expect(await ruleIds(longFunction, 'packages/validator/src/probe.ts')).toContain('max-lines-per-function');
    expect(await ruleIds(longFunction, 'portal/probe.test.ts')).toEqual([]);
  });

  it('refuses an import cycle', async () => {
    const dir = join(new URL('..', import.meta.url).pathname, 'src/main/core', `zz-cycle-probe-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): unknown => b;\n");
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): unknown => a;\n");
      const results = await eslint.lintFiles([join(dir, 'a.ts')]);
      expect(results[0]!.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
