import { describe, expect, it } from 'vitest';
import { moduleCandidates, resolveModulePath } from './pkcs11-modules';

describe('PKCS#11 module path', () => {
  it('searches the SafeSign locations of each OS in order', () => {
    expect(moduleCandidates('win32')).toEqual(['C:\\Windows\\System32\\aetpkss1.dll']);
    expect(moduleCandidates('linux')[0]).toBe('/usr/lib/libaetpkss.so');
    expect(moduleCandidates('darwin')).toContain('/Applications/tokenadmin.app/Contents/Frameworks/libaetpkss.dylib');
    expect(moduleCandidates('aix')).toEqual([]);
  });

  it('takes the first candidate that exists', () => {
    const exists = (p: string) => p === '/usr/lib/libaetpkss.so.3';
    expect(resolveModulePath(null, moduleCandidates('linux'), exists)).toBe('/usr/lib/libaetpkss.so.3');
    expect(resolveModulePath(undefined, moduleCandidates('linux'), () => false)).toBeNull();
  });

  it('uses a configured path only, without falling back to the list', () => {
    expect(resolveModulePath('/opt/x.so', ['/usr/lib/libaetpkss.so'], () => true)).toBe('/opt/x.so');
    expect(resolveModulePath('/opt/x.so', ['/usr/lib/libaetpkss.so'], (p) => p !== '/opt/x.so')).toBeNull();
  });
});
