import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors';
import { nativeModuleOf, startupError, startupErrorText } from './startup-error';

const scratch = mkdtempSync(join(tmpdir(), 'zorgid-native-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A real load failure from Node: a "native module" that is not a shared object at all. */
function realDlopenError(module: string): unknown {
  const dir = join(scratch, 'node_modules', module, 'build', 'Release');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${module.replace(/-/g, '_')}.node`);
  writeFileSync(file, 'not an ELF, Mach-O or PE file');
  const r = spawnSync(process.execPath, ['-e', `try { require(${JSON.stringify(file)}) } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }`], { encoding: 'utf8' });
  return JSON.parse(r.stdout) as unknown;
}

describe('startup errors', () => {
  it('names the native module of a real dlopen failure', () => {
    const err = realDlopenError('better-sqlite3');
    expect(err).toMatchObject({ code: 'ERR_DLOPEN_FAILED' });
    expect(nativeModuleOf(err)).toBe('better-sqlite3');
    expect(nativeModuleOf(realDlopenError('pcsclite'))).toBe('pcsclite');
  });

  it('names the module of an ABI mismatch, a missing package and a missing system library', () => {
    expect(nativeModuleOf({ code: 'ERR_DLOPEN_FAILED', message: "The module '/opt/ZORG-ID Desktop/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 137." })).toBe('better-sqlite3');
    expect(nativeModuleOf({ code: 'ERR_MODULE_NOT_FOUND', message: "Cannot find package 'pcsclite' imported from /app/out/main/card-host.js" })).toBe('pcsclite');
    expect(nativeModuleOf({ code: 'ERR_DLOPEN_FAILED', message: 'libpcsclite.so.1: cannot open shared object file: No such file or directory' })).toBe('pcsclite');
  });

  it('is not fooled by other errors that mention a module', () => {
    expect(nativeModuleOf(new Error('SQLITE_BUSY: database is locked (better-sqlite3)'))).toBeNull();
    expect(nativeModuleOf({ code: 'MODULE_NOT_FOUND', message: "Cannot find module 'left-pad'" })).toBeNull();
    expect(nativeModuleOf(null)).toBeNull();
  });

  it('the dialog says what happened, what to do, the component and the code; Dutch first', () => {
    const error = startupError(realDlopenError('better-sqlite3'));
    expect(error.code).toBe('ERR_APP_NATIVE_MODULE');
    const { title, body } = startupErrorText(error);
    expect(title).toBe('ZORG-ID Desktop kan niet starten / ZORG-ID Desktop cannot start');
    expect(body.indexOf('Installeer de app opnieuw')).toBeLessThan(body.indexOf('Reinstall the app'));
    expect(body).toContain('Onderdeel: better-sqlite3');
    expect(body).toContain('Component: better-sqlite3');
    expect(body).toContain('Foutcode: ERR_APP_NATIVE_MODULE');
    expect(body).toContain('start ZORG-ID Desktop met --diagnose');
  });

  it('any other start failure still gets a clear dialog with its code', () => {
    const error = startupError(new Error('EACCES: permission denied, open zorgid-desktop.sqlite'));
    expect(error.code).toBe('ERR_APP_START_FAILED');
    expect(startupErrorText(error).body).not.toContain('Onderdeel');
    expect(startupError(new AppError('ERR_CARD_HOST_UNAVAILABLE')).code).toBe('ERR_CARD_HOST_UNAVAILABLE');
  });
});
