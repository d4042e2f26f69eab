// The PIV applet's APDU behaviour on its own (no vpcd): what OpenSC relies on, byte for byte.
import { X509Certificate, constants, createHash, publicDecrypt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PivApplet, UZI_ATR, tlv } from './piv-applet';
import { throwawayCredential, type ThrowawayCredential } from './throwaway-card';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const swOf = (r: Buffer) => r.subarray(-2).toString('hex');
const pinBlock = (pin: string) => Buffer.concat([Buffer.from(pin), Buffer.alloc(8 - pin.length, 0xff)]);
const verifyApdu = (pin?: string) => (pin === undefined ? hex('00 20 00 80') : Buffer.concat([hex('00 20 00 80 08'), pinBlock(pin)]));

let cred: ThrowawayCredential;
beforeAll(async () => {
  cred = await throwawayCredential('Applet unit');
});

const applet = (tries = 3) => new PivApplet({ keys: { '9A': { certDer: cred.certDer, privateKey: cred.keyPkcs8Der } }, pinTries: tries });

/** Sends a command and follows 61xx with GET RESPONSE, as OpenSC does. */
function exchange(a: PivApplet, apdu: Buffer): { data: Buffer; sw: string; getResponses: number } {
  let r = a.process(apdu);
  let data = r.subarray(0, -2);
  let getResponses = 0;
  while (r[r.length - 2] === 0x61) {
    getResponses++;
    r = a.process(Buffer.from([0x00, 0xc0, 0x00, 0x00, r[r.length - 1]!]));
    data = Buffer.concat([data, r.subarray(0, -2)]);
  }
  return { data, sw: swOf(r), getResponses };
}

describe('PIV applet', () => {
  it('presents the UZI ATR by default', () => {
    expect(applet().atr().equals(UZI_ATR)).toBe(true);
    expect(UZI_ATR.toString('hex').toUpperCase()).toBe('3BFD1800FF8131FE4543494247555A494A324130383158');
  });

  it('selects the PIV application by the truncated AID OpenSC sends, and nothing else', () => {
    const a = applet();
    const r = a.process(hex('00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00'));
    expect(swOf(r)).toBe('9000');
    expect(r.subarray(0, -2).toString('hex')).toContain('4f06000010000100');
    expect(swOf(a.process(hex('00 A4 04 00 07 A0 00 00 00 03 10 10 00')))).toBe('6a82');
  });

  it('serves the certificate object whole via GET RESPONSE and honours a short Le', () => {
    const a = applet();
    const head = a.process(hex('00 CB 3F FF 05 5C 03 5F C1 05 08'));
    expect(head.length).toBe(8 + 2);
    expect(swOf(head)).toBe('9000');
    const { data, sw, getResponses } = exchange(a, hex('00 CB 3F FF 05 5C 03 5F C1 05 00'));
    expect(sw).toBe('9000');
    expect(getResponses).toBeGreaterThan(0);
    expect(data.equals(tlv(0x53, Buffer.concat([tlv(0x70, cred.certDer), hex('71 01 00 FE 00')])))).toBe(true);
    expect(data.subarray(0, 8).equals(head.subarray(0, 8))).toBe(true);
    expect(swOf(a.process(hex('00 CB 3F FF 05 5C 03 5F C1 0A 00')))).toBe('6a82');
  });

  it('counts PIN tries: 63 Cx, empty VERIFY as status, 69 83 once blocked, even for the right PIN', () => {
    const a = applet();
    expect(swOf(a.process(verifyApdu()))).toBe('63c3');
    expect(swOf(a.process(verifyApdu('999999')))).toBe('63c2');
    expect(swOf(a.process(verifyApdu('999999')))).toBe('63c1');
    expect(swOf(a.process(verifyApdu()))).toBe('63c1');
    expect(swOf(a.process(verifyApdu('999999')))).toBe('6983');
    expect(swOf(a.process(verifyApdu('123456')))).toBe('6983');
    expect(swOf(a.process(verifyApdu()))).toBe('6983');
    expect(a.pinTriesLeft).toBe(0);
  });

  it('restores the tries after a right PIN and forgets the PIN on reset', () => {
    const a = applet();
    a.process(verifyApdu('999999'));
    expect(swOf(a.process(verifyApdu('123456')))).toBe('9000');
    expect(a.pinTriesLeft).toBe(3);
    expect(swOf(a.process(verifyApdu()))).toBe('9000');
    a.control('reset');
    expect(swOf(a.process(verifyApdu()))).toBe('63c3');
  });

  it('signs a chained GENERAL AUTHENTICATE with raw RSA only after VERIFY', () => {
    const a = applet();
    // PKCS#1 v1.5 block for SHA-256, as OpenSC pads it before sending.
    const digestInfo = Buffer.concat([hex('3031300d060960864801650304020105000420'), createHash('sha256').update('x').digest()]);
    const block = Buffer.concat([hex('0001'), Buffer.alloc(256 - 3 - digestInfo.length, 0xff), hex('00'), digestInfo]);
    const body = tlv(0x7c, Buffer.concat([hex('82 00'), tlv(0x81, block)]));
    const send = () => {
      const first = body.subarray(0, 255);
      const rest = body.subarray(255);
      expect(swOf(a.process(Buffer.concat([hex('10 87 07 9A'), Buffer.from([first.length]), first])))).toBe('9000');
      return exchange(a, Buffer.concat([hex('00 87 07 9A'), Buffer.from([rest.length]), rest, hex('00')]));
    };
    expect(send().sw).toBe('6982');
    a.process(verifyApdu('123456'));
    const { data, sw, getResponses } = send();
    expect(sw).toBe('9000');
    expect(getResponses).toBe(1);
    expect(data.subarray(0, 8).toString('hex')).toBe('7c82010482820100');
    const sig = data.subarray(8);
    const pub = new X509Certificate(cred.certDer).publicKey;
    expect(publicDecrypt({ key: pub, padding: constants.RSA_NO_PADDING }, sig).equals(block)).toBe(true);
  });

  it('can be a blank card without keys (ZORG-ID Smartcard before creation)', () => {
    const blank = new PivApplet({ keys: {} });
    expect(swOf(blank.process(hex('00 CB 3F FF 03 5C 01 7E 00')))).toBe('9000');
    expect(swOf(blank.process(hex('00 CB 3F FF 05 5C 03 5F C1 05 00')))).toBe('6a82');
  });

  it('stays silent while hung and answers again when released', async () => {
    const a = applet();
    a.hang();
    let answered = false;
    const p = a.transmit(hex('00 CB 3F FF 03 5C 01 7E 00')).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    a.hang(false);
    expect(swOf(await p)).toBe('9000');
    expect(a.apduCount).toBe(1);
  });
});

describe('PIV applet timing', () => {
  it('answers slowly when given an APDU delay', async () => {
    const a = new PivApplet({ keys: { '9A': { certDer: cred.certDer, privateKey: cred.keyPkcs8Der } }, apduDelayMs: 120 });
    const t = performance.now();
    await a.transmit(hex('00 CB 3F FF 03 5C 01 7E 00'));
    expect(performance.now() - t).toBeGreaterThanOrEqual(110);
  });
});
