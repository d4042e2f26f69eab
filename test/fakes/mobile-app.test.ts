// The Mobile App simulator's own rules: it reads QR codes from real PNGs and accepts only the two
// ZORG-ID payloads, so a test that feeds it anything else learns so instead of passing by accident.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
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

  describe('login QR: what the phone shows before it confirms (QR-jacking, issue 15 item 1)', () => {
    let server: Server | null = null;
    afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

    /** A stand-in portal that enrols anyone and records, in order, what the phone asked. */
    async function fakePortal(promptPortal?: string) {
      const calls: Array<{ path: string; body: Record<string, unknown> }> = [];
      let origin = '';
      server = createServer((req, res) => {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString()));
        req.on('end', () => {
          calls.push({ path: req.url!, body: JSON.parse(text) as Record<string, unknown> });
          const answers: Record<string, unknown> = {
            '/api/mobile/enrol': { outcome: 'enrolled', mobileId: 'M'.repeat(22), name: 'Eva Jansen', organisation: { ura: '90000382', name: 'De Linde' }, role: 'Gebruiker' },
            '/api/mobile/login-prompt': { outcome: 'prompt', portal: promptPortal ?? origin, confirmCode: '042 917', expiresAt: 1 },
            '/api/mobile/login': { outcome: 'ok' },
          };
          res.writeHead(req.url === '/api/mobile/enrol' ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(answers[req.url!] ?? {}));
        });
      });
      await new Promise<void>((done) => server!.listen(0, '127.0.0.1', () => done()));
      origin = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      const payload = (kind: string) => `zorgid://${kind}?portal=${encodeURIComponent(origin)}&code=AbCdEfGhIjKlMnOpQrStUvWx`;
      return { calls, origin, payload };
    }

    it('asks the portal for the prompt first, shows the portal and the code, and sends the code the person confirmed', async () => {
      const portal = await fakePortal();
      const app = createMobileApp();
      await app.enrol({ payload: portal.payload('enrol') }, '1990-02-03');
      const seen: string[] = [];
      const shown = await app.login({ payload: portal.payload('login') }, (prompt) => {
        seen.push(`${prompt.portal} ${prompt.confirmCode}`, ...portal.calls.map((c) => c.path));
        return prompt.confirmCode;
      });
      expect(shown).toEqual({ portal: portal.origin, confirmCode: '042 917', expiresAt: 1 });
      expect(app.prompts).toEqual([shown]);
      // Shown before anything was confirmed: the login call comes after the person's answer.
      expect(seen).toEqual([`${portal.origin} 042 917`, '/api/mobile/enrol', '/api/mobile/login-prompt']);
      expect(portal.calls.at(-1)).toEqual({ path: '/api/mobile/login', body: expect.objectContaining({ code: 'AbCdEfGhIjKlMnOpQrStUvWx', confirmCode: '042 917' }) });
      // The person may choose another code; the app sends what they chose.
      await app.login({ payload: portal.payload('login') }, () => '111 222');
      expect(portal.calls.at(-1)?.body.confirmCode).toBe('111 222');
    });

    it('confirms nothing when the portal names another origin than the QR', async () => {
      const portal = await fakePortal('https://portaal.zorg-id.test');
      const app = createMobileApp();
      await app.enrol({ payload: portal.payload('enrol') }, '1990-02-03');
      await expect(app.login({ payload: portal.payload('login') })).rejects.toMatchObject({ code: 'ERR_MOBILE_QR_INVALID', detail: { reason: 'portal mismatch' } });
      expect(portal.calls.map((c) => c.path)).toEqual(['/api/mobile/enrol', '/api/mobile/login-prompt']);
      expect(app.prompts).toEqual([]);
    });
  });
});
