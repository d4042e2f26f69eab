// SoftHSM2 tokens made per test: importable keys and certificates with matching CKA_IDs, usable from
// another process through SOFTHSM2_CONF (the probe child stands in for the card host).
import { X509Certificate, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOFTHSM_MODULE } from './pcscd';
import { createSoftHsmToken, type SoftHsmToken } from './softhsm';
import { runProbe } from './pkcs11-probe';
import { throwawayCredential, type ThrowawayCredential } from './throwaway-card';

const available = existsSync(SOFTHSM_MODULE) && existsSync('/usr/bin/softhsm2-util') && existsSync('/usr/bin/pkcs11-tool');
if (!available && process.env.CI) throw new Error(`SoftHSM2 unavailable in CI (${SOFTHSM_MODULE}, softhsm2-util, pkcs11-tool)`);
const title = (s: string) => (available ? s : `${s} [skipped: softhsm2 / opensc not installed]`);

describe.skipIf(!available)(title('SoftHSM2 lab tokens'), () => {
  let token: SoftHsmToken;
  let auth: ThrowawayCredential;
  let sign: ThrowawayCredential;

  beforeAll(async () => {
    [auth, sign] = await Promise.all([throwawayCredential('SoftHSM auth', '0a'), throwawayCredential('SoftHSM sign', '0b')]);
    token = await createSoftHsmToken({
      label: 'ZORG-ID lab token',
      pin: '246810',
      objects: [
        { id: '01', label: 'Authenticatiecertificaat', certDer: auth.certDer, keyPkcs8Der: auth.keyPkcs8Der },
        { id: '02', label: 'Handtekeningcertificaat', certDer: sign.certDer, keyPkcs8Der: sign.keyPkcs8Der },
      ],
    });
  });

  afterAll(() => token?.dispose());

  it('imports certificates byte-identical and signs with the key of the same CKA_ID in another process', async () => {
    const data = Buffer.from('sign me');
    const r = await runProbe(
      {
        module: token.module,
        steps: [
          { op: 'tokens' },
          { op: 'readCert', id: '01' },
          { op: 'readCert', id: '02' },
          { op: 'login', pin: '000000' },
          { op: 'login', pin: token.pin },
          { op: 'sign', id: '01', dataHex: data.toString('hex') },
          { op: 'sign', id: '02', dataHex: data.toString('hex') },
        ],
      },
      token.env,
    );
    const tokens = r[0]!.ok ? (r[0]!.value as Array<{ label: string }>) : [];
    // SoftHSM2 always adds one free, uninitialised token (empty label).
    expect(tokens.map((t) => t.label).filter(Boolean)).toEqual(['ZORG-ID lab token']);
    expect(r[1]).toMatchObject({ ok: true, value: auth.certDer.toString('hex') });
    expect(r[2]).toMatchObject({ ok: true, value: sign.certDer.toString('hex') });
    expect(r[3]).toMatchObject({ ok: false, error: { message: expect.stringContaining('CKR_PIN_INCORRECT'), code: 0xa0 } });
    expect(r[4]).toMatchObject({ ok: true });
    const sig = (i: number) => Buffer.from(r[i]!.ok ? (r[i]!.value as string) : '', 'hex');
    expect(verify('sha256', data, new X509Certificate(auth.certDer).publicKey, sig(5))).toBe(true);
    expect(verify('sha256', data, new X509Certificate(sign.certDer).publicKey, sig(6))).toBe(true);
    expect(verify('sha256', data, new X509Certificate(auth.certDer).publicKey, sig(6))).toBe(false);
    console.log(`LAB softhsm C_Sign ${r[5]!.ms.toFixed(1)} ms`);
  });

  it('keeps tokens apart: a second token has its own config and folder, and dispose removes it', async () => {
    const other = await createSoftHsmToken({ label: 'other' });
    try {
      expect(other.conf).not.toBe(token.conf);
      const r = await runProbe({ module: other.module, steps: [{ op: 'tokens' }] }, other.env);
      const labels = r[0]!.ok ? (r[0]!.value as Array<{ label: string }>).map((t) => t.label).filter(Boolean) : [];
      expect(labels).toEqual(['other']);
    } finally {
      other.dispose();
    }
    expect(existsSync(other.dir)).toBe(false);
  });
});
