// The Mobile App simulator's own rules: it reads QR codes from real PNGs and accepts only the two
// ZORG-ID payloads, so a test that feeds it anything else learns so instead of passing by accident.
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { createMobileApp, decodeQrPng, parseQrPayload, pngFromDataUrl } from './mobile-app';

const ENROL = 'zorgid://enrol?portal=https%3A%2F%2Fportaal.zorg-id.test&code=AbCdEfGhIjKlMnOpQrStUvWx';

describe('Mobile App simulator', () => {
  it('decodes a QR code from a PNG rendered by qrcode', async () => {
    const png = await QRCode.toBuffer(ENROL, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 300 });
    expect(decodeQrPng(new Uint8Array(png))).toBe(ENROL);
    const dataUrl = await QRCode.toDataURL(ENROL, { margin: 1, width: 240 });
    expect(decodeQrPng(pngFromDataUrl(dataUrl))).toBe(ENROL);
  });

  it('says so when the image is no PNG or holds no QR code', () => {
    expect(() => decodeQrPng(new TextEncoder().encode('not a png'))).toThrow(expect.objectContaining({ code: 'ERR_MOBILE_QR_INVALID' }));
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    expect(() => decodeQrPng(new Uint8Array(PNG.sync.write(blank)))).toThrow(expect.objectContaining({ code: 'ERR_MOBILE_QR_INVALID', detail: { reason: 'no QR code in the image' } }));
  });

  it('parses the enrolment and login payloads and refuses everything else', () => {
    expect(parseQrPayload(ENROL)).toEqual({ kind: 'enrol', portal: 'https://portaal.zorg-id.test', code: 'AbCdEfGhIjKlMnOpQrStUvWx' });
    expect(parseQrPayload(ENROL.replace('enrol', 'login'), 'login').kind).toBe('login');
    for (const text of [
      'https://portaal.zorg-id.test/enrol?code=AbCdEfGhIjKlMnOpQrStUvWx',
      `${ENROL}&naam=Anna`,
      ENROL.replace('code=AbCdEfGhIjKlMnOpQrStUvWx', 'code=kort'),
      ENROL.replace('https%3A%2F%2Fportaal.zorg-id.test', 'javascript%3Aalert(1)'),
      ENROL.replace('https%3A%2F%2Fportaal.zorg-id.test', 'https%3A%2F%2Fportaal.zorg-id.test%2Fpad'),
      'zorgid://handoff?portal=https%3A%2F%2Fportaal.zorg-id.test&request=AbCdEfGhIjKlMnOpQrStUv',
      '',
    ]) {
      expect(() => parseQrPayload(text), text).toThrow(expect.objectContaining({ code: 'ERR_MOBILE_QR_INVALID' }));
    }
    // The right format for the wrong purpose: a login QR is no enrolment.
    expect(() => parseQrPayload(ENROL.replace('enrol', 'login'), 'enrol')).toThrow(expect.objectContaining({ code: 'ERR_MOBILE_QR_INVALID' }));
  });

  it('refuses portals outside its trust list and logs in only where it holds a Mobiel ID', async () => {
    const app = createMobileApp({ trustedPortals: ['https://andere.zorg-id.test'] });
    await expect(app.enrol({ payload: ENROL }, '1980-04-12')).rejects.toMatchObject({ code: 'ERR_MOBILE_QR_INVALID', detail: { reason: 'untrusted portal' } });
    await expect(createMobileApp().login({ payload: ENROL.replace('enrol', 'login') })).rejects.toMatchObject({ code: 'ERR_MOBILE_ID_UNKNOWN' });
  });
});
