import { describe, expect, it } from 'vitest';
import { recogniseCard, scrubLabel, type HostDiagnosis, type TokenInfo } from './host-diagnosis';
import { buildReport, settingsPolicyReport, type ReportDeps } from './report';
import { reportText } from './report-text';

const AT = Date.parse('2026-12-07T01:00:00Z');
const token = (certs: TokenInfo['certificates'], flags = ['TOKEN_INITIALIZED']): TokenInfo => ({ label: 'x', manufacturer: 'm', model: 'p', flags, pin: 'ok', certificates: certs });
const cert = (pastype: 'Z' | 'N' | null): TokenInfo['certificates'][number] => ({
  usage: 'authentication',
  pastype,
  keyType: 'RSA',
  keyBits: 4096,
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2029-01-01T00:00:00.000Z',
  issuer: 'TEST UZI-register Zorgverlener CA G3',
});

const deps = (over: Partial<ReportDeps> = {}): ReportDeps => ({
  clock: () => AT,
  app: { name: 'ZORG-ID Desktop', version: '0.1.0', commit: 'abc', mode: 'real', os: { platform: 'linux', release: '6', arch: 'x64' }, versions: { electron: 'n/a', chromium: 'n/a', node: '24' } },
  policy: settingsPolicyReport(() => ({ language: 'en', loopbackPort: 24761 }), { language: 'nl', loopbackPort: 24761 }),
  card: null,
  listener: () => ({ state: 'listening', port: 24761 }),
  log: null,
  audit: null,
  ...over,
});

describe('the diagnostics report', () => {
  it('names each setting with its source (user when it differs from the default)', async () => {
    const r = await buildReport(deps());
    expect(r.settings).toEqual([
      { key: 'language', value: 'en', source: 'user' },
      { key: 'loopbackPort', value: 24761, source: 'default' },
    ]);
    expect(r.createdAt).toBe('2026-12-07T01:00:00.000Z');
  });

  it('says why the card part is missing when the card host does not answer', async () => {
    const r = await buildReport(deps({ card: async () => Promise.reject(Object.assign(new Error('x'), { code: 'ERR_CARD_HOST_UNAVAILABLE' })) }));
    expect(r.card).toBeNull();
    expect(r.cardError).toBe('ERR_CARD_HOST_UNAVAILABLE');
    expect(reportText(r)).toContain('card host: unavailable (ERR_CARD_HOST_UNAVAILABLE)');
  });

  it('reports a broken audit chain with where it breaks', async () => {
    const r = await buildReport(deps({ audit: () => ({ ok: false, count: 3, reason: 'hash-mismatch', brokenAt: 4 }) }));
    expect(r.audit).toEqual({ verified: false, records: 3, problem: 'hash-mismatch at record 4' });
    expect(reportText(r)).toContain('chain BROKEN: hash-mismatch at record 4 (3 records)');
  });

  it('shows readers, modules, tokens and certificate facts in the text', async () => {
    const card: HostDiagnosis = {
      pcsc: { enabled: true, reachable: true, error: null },
      readers: [{ name: 'Reader A', present: true, atr: '3B 8A', family: 'uzi', recognised: 'UZI-pas Z' }],
      modules: [
        {
          role: 'uzi',
          configured: null,
          tried: [{ path: '/usr/lib/libaetpkss.so', exists: true }],
          resolved: '/usr/lib/libaetpkss.so',
          loaded: true,
          error: null,
          info: { manufacturer: 'A.E.T.', description: 'SafeSign', libraryVersion: '3.8', cryptokiVersion: '2.20', slots: [{ slotId: '01', description: 'Reader A', tokenPresent: true, token: token([cert('Z')]) }] },
        },
      ],
    };
    const text = reportText(await buildReport(deps({ card: async () => card })));
    expect(text).toContain('- Reader A: UZI-pas Z');
    expect(text).toContain('C_GetInfo: A.E.T. / SafeSign, library 3.8, Cryptoki 2.20');
    expect(text).toContain('certificate: authentication, pastype Z, RSA-4096, valid 2026-01-01 – 2029-01-01, issuer "TEST UZI-register Zorgverlener CA G3"');
  });
});

describe('recognising a card and masking labels', () => {
  it('takes the pastype from the certificates, a blank card from an empty token', () => {
    expect(recogniseCard('uzi', token([cert('N')]))).toBe('UZI-pas N');
    expect(recogniseCard('zorgid-smartcard', token([]))).toBe('blank card');
    expect(recogniseCard('zorgid-smartcard', token([cert(null)]))).toBe('ZORG-ID Smartcard');
    expect(recogniseCard('uzi', null)).toBe('UZI-pas');
    expect(recogniseCard('unknown', null)).toBe('unknown');
  });

  it('masks numbers and holder strings in token labels', () => {
    expect(scrubLabel('UZI-pas 900016528')).toBe('UZI-pas #########');
    expect(scrubLabel('Anna Maria de Vries', ['Anna Maria de Vries'])).toBe('••••••••');
    expect(scrubLabel('Virtual PCD 00 01')).toBe('Virtual PCD 00 01');
  });
});
