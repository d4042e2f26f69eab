// Certificates in a token must be byte-exact DER and every base64 field canonical (issue 15 item 2):
// a BER re-encoding of the certificate's outer signatureAlgorithm is not covered by the CA's signature,
// so without this a holder could present "another" certificate (another fingerprint) with the same key.
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidatorError, type ValidatorErrorCode } from './errors';
import type { HandoffToken } from '@zorgid/protocol';
import type { CardLabPki } from '../../../test/card-lab/pki';
import { OUTER_SIGNATURE_ALGORITHM, reencode } from '../../../test/fuzz/der-mutations';
import { memoryRequests } from '../../../test/card-lab/memory-requests';
import { codeOf, LAB_VALID_AT, labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../../../test/card-lab/lab-tokens';
import { createValidator, parseCertificate } from './index';

const ORIGIN = 'https://portaal.zorgid.test';
let pki: CardLabPki;

beforeAll(async () => {
  pki = await loadLab();
}, 60_000);

async function validateWith(change: (token: HandoffToken) => HandoffToken, withIntermediates = false): Promise<ValidatorErrorCode | 'ok'> {
  const requests = memoryRequests(ORIGIN, LAB_VALID_AT.getTime());
  const validator = createValidator({ ...labTrust(pki), crls: labCrls(pki), clock: () => LAB_VALID_AT.getTime(), requests });
  const req = requests.add({});
  const token = change(signLabToken({ pki, card: 'Z-huisarts', request: req, browserCode: newBrowserCode(), withIntermediates }));
  return codeOf(validator.validate(JSON.stringify(token), { requestId: req.id, origin: ORIGIN }));
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const derOf = (token: HandoffToken) => new Uint8Array(Buffer.from(token.certificate, 'base64'));
/** The last data character before the padding with its lowest (padding) bit set: same bytes, other text. */
const paddingBitSet = (text: string): string => {
  const data = text.replace(/=+$/, '');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const last = alphabet.indexOf(data[data.length - 1]!);
  return data.slice(0, -1) + alphabet[last | 1] + text.slice(data.length);
};

describe('strict DER and canonical base64 in the token validator', () => {
  it('accepts the unmodified lab token (the control for the cases below)', async () => {
    expect(await validateWith((t) => t)).toBe('ok');
  });

  it('ERR_TOKEN_CERT_NOT_DER: refuses the certificate with its outer signatureAlgorithm in indefinite length', async () => {
    expect(await validateWith((t) => ({ ...t, certificate: b64(reencode(derOf(t), OUTER_SIGNATURE_ALGORITHM, 'indefinite')) }))).toBe(
      'ERR_TOKEN_CERT_NOT_DER',
    );
  });

  it('ERR_TOKEN_CERT_NOT_DER: refuses the certificate with its outer signatureAlgorithm in a non-minimal length', async () => {
    expect(await validateWith((t) => ({ ...t, certificate: b64(reencode(derOf(t), OUTER_SIGNATURE_ALGORITHM, 'non-minimal')) }))).toBe(
      'ERR_TOKEN_CERT_NOT_DER',
    );
  });

  it('ERR_TOKEN_CERT_NOT_DER: refuses a non-minimal length on the certificate itself and on the signed part', async () => {
    expect(await validateWith((t) => ({ ...t, certificate: b64(reencode(derOf(t), [0], 'non-minimal')) }))).toBe('ERR_TOKEN_CERT_NOT_DER');
    expect(await validateWith((t) => ({ ...t, certificate: b64(reencode(derOf(t), [0, 0], 'indefinite')) }))).toBe('ERR_TOKEN_CERT_NOT_DER');
  });

  it('ERR_TOKEN_CERT_NOT_DER: refuses an intermediate in the token re-encoded the BER way', async () => {
    const berFirst = (t: HandoffToken) => {
      const [first, ...rest] = t.intermediates!;
      const der = new Uint8Array(Buffer.from(first!, 'base64'));
      return { ...t, intermediates: [b64(reencode(der, OUTER_SIGNATURE_ALGORITHM, 'indefinite')), ...rest] };
    };
    expect(await validateWith((t) => t, true)).toBe('ok');
    expect(await validateWith(berFirst, true)).toBe('ERR_TOKEN_CERT_NOT_DER');
  });

  it('ERR_TOKEN_NOT_CANONICAL: refuses base64 with non-zero padding bits (same bytes, other text)', async () => {
    const sameBytesOtherText = (t: HandoffToken) => {
      const signature = paddingBitSet(t.signature);
      expect(Buffer.from(signature, 'base64')).toEqual(Buffer.from(t.signature, 'base64'));
      return { ...t, signature };
    };
    expect(await validateWith(sameBytesOtherText)).toBe('ERR_TOKEN_NOT_CANONICAL');
    expect(await validateWith((t) => ({ ...t, browserCodeHash: paddingBitSet(t.browserCodeHash!) }))).toBe('ERR_TOKEN_NOT_CANONICAL');
  });

  it('ERR_TOKEN_NOT_CANONICAL: refuses base64 without its padding', async () => {
    expect(await validateWith((t) => ({ ...t, signature: t.signature.replace(/=+$/, '') }))).toBe('ERR_TOKEN_NOT_CANONICAL');
  });

  it('parseCertificate refuses BER with ERR_CERT_NOT_DER and non-certificates with ERR_CERT_MALFORMED, nothing untyped', () => {
    const der = new Uint8Array(pki.cards['Z-huisarts'].auth!.certDer);
    const codeOf = (input: Uint8Array) => {
      try {
        parseCertificate(input);
        return 'ok';
      } catch (err) {
        return err instanceof ValidatorError ? err.code : `untyped: ${String(err)}`;
      }
    };
    expect(codeOf(der)).toBe('ok');
    expect(codeOf(reencode(der, OUTER_SIGNATURE_ALGORITHM, 'indefinite'))).toBe('ERR_CERT_NOT_DER');
    expect(codeOf(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toBe('ERR_CERT_MALFORMED');
    expect(codeOf(new TextEncoder().encode('-----BEGIN CERTIFICATE-----'))).toBe('ERR_CERT_MALFORMED');
  });
});
