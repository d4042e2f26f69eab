// QR-jacking (issue 15 item 1): a login QR relayed to someone else's phone. Before the person confirms,
// the Mobile App learns from the portal which portal asks and the short code the page shows next to
// the QR; the confirmation carries that code and one wrong code voids the QR. Over real loopback HTTP
// with a real SQLite file, the Mobile App simulator and, where the simulator always sends a code, a
// bare device that signs with its own key.
import { webcrypto } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseQrPayload, pngFromDataUrl, decodeQrPng, type LoginPrompt } from '../test/fakes/mobile-app';
import { issueUserCode } from './admin';
import { newConfirmCode } from './login-qr';
import { mobileLoginMessage } from './mobile';
import { ORG_A, createAdminWorld, type AdminWorld, type Member } from './test/admin-fixture';
import { TestBrowser, loginQrDataUrl } from './test/org-flow';

let world: AdminWorld;
let member: Member;

beforeEach(async () => {
  world = await createAdminWorld();
  member = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', name: ['Eva', 'Jansen'], login: false });
}, 60_000);
afterEach(async () => world.close());

/** The landing page as a browser gets it: the QR's PNG and the confirmation code beside it. */
async function landing(browser = member.browser) {
  const html = await (await browser.fetch('/')).text();
  const confirmCode = /<strong id="login-qr-code"[^>]*>(\d{3} \d{3})<\/strong>/.exec(html)?.[1];
  return { html, png: pngFromDataUrl(loginQrDataUrl(html)), confirmCode };
}

const complete = async (browser: TestBrowser) => ((await (await browser.json('/api/login-qr/complete', {})).json()) as { outcome: string }).outcome;

/** Another code than `code`: the same digits with the last one changed. */
const otherThan = (code: string) => `${code.slice(0, -1)}${(Number(code.at(-1)) + 1) % 10}`;

describe('the confirmation code next to the login QR', () => {
  it('shows a six-digit code beside the QR, with the check explained in Dutch first and English second', async () => {
    const page = await landing();
    expect(page.confirmCode).toMatch(/^\d{3} \d{3}$/);
    const dutch = page.html.indexOf('Controleer dat uw telefoon dezelfde code toont');
    const english = page.html.indexOf('Check that your phone shows the same code');
    expect(dutch).toBeGreaterThan(0);
    expect(english).toBeGreaterThan(dutch);
    // Stored with the QR, and the QR itself does not carry it.
    const code = parseQrPayload(decodeQrPng(page.png), 'login').code;
    expect((await world.portal.store.getLoginQr(code))?.confirmCode).toBe(page.confirmCode!.replace(' ', ''));
    expect(decodeQrPng(page.png)).not.toContain(page.confirmCode!.replace(' ', ''));
  });

  it('gives each new QR its own code, also when the page asks for a new QR', async () => {
    const first = await landing();
    const res = await member.browser.json('/api/login-qr', {});
    const fresh = (await res.json()) as { payload: string; confirmCode: string };
    expect(fresh.confirmCode).toMatch(/^\d{3} \d{3}$/);
    const code = parseQrPayload(fresh.payload, 'login').code;
    expect((await world.portal.store.getLoginQr(code))?.confirmCode).toBe(fresh.confirmCode.replace(' ', ''));
    expect(fresh.confirmCode).not.toBe(first.confirmCode);
  });

  it('draws the code from the injected randomness: six digits, zero-padded', () => {
    expect(newConfirmCode(() => new Uint8Array(8))).toBe('000000');
    // 2^64 − 1 = 18446744073709551615.
    expect(newConfirmCode((n) => new Uint8Array(n).fill(0xff))).toBe('551615');
  });
});

describe('the Mobile App confirms a login QR with the code', () => {
  it('learns the asking portal and the page’s code before anything is confirmed, then logs the browser in', async () => {
    const page = await landing();
    let seen: LoginPrompt | null = null;
    let pendingWhileShown = '';
    const shown = await member.mobile.login({ png: page.png }, async (prompt) => {
      seen = prompt;
      pendingWhileShown = await complete(member.browser);
      return prompt.confirmCode;
    });
    expect(seen).toEqual(shown);
    expect(shown).toMatchObject({ portal: world.portal.origin, confirmCode: page.confirmCode });
    expect(member.mobile.prompts).toEqual([shown]);
    expect(pendingWhileShown).toBe('pending');
    expect(await complete(member.browser)).toBe('ok');
  });

  it('takes the code also as the six digits without the space', async () => {
    const page = await landing();
    await member.mobile.login({ png: page.png }, (prompt) => prompt.confirmCode.replace(' ', ''));
    expect(await complete(member.browser)).toBe('ok');
  });

  it('refuses a wrong code and voids the QR: the right code afterwards is refused too', async () => {
    const page = await landing();
    await expect(member.mobile.login({ png: page.png }, (prompt) => otherThan(prompt.confirmCode))).rejects.toMatchObject({ code: 'ERR_MOBILE_CODE_MISMATCH', detail: { status: 403 } });
    await expect(member.mobile.login({ png: page.png })).rejects.toMatchObject({ code: 'ERR_MOBILE_LOGIN_CODE_VOID', detail: { status: 410 } });
    // The page learns that its QR is void instead of waiting for it.
    expect(await (await member.browser.json('/api/login-qr/complete', {})).json()).toMatchObject({ outcome: 'void', code: 'ERR_MOBILE_LOGIN_CODE_VOID' });
    const refusals = (await world.portal.store.listAudit(20)).filter((e) => e.action === 'login.mobile').map((e) => e.code);
    expect(refusals).toContain('ERR_MOBILE_CODE_MISMATCH');
    // A new QR from the page works again.
    await member.mobile.login({ png: (await landing()).png });
    expect(await complete(member.browser)).toBe('ok');
  });
});

describe('a confirmation without the code', () => {
  /** A device outside the simulator: its own P-256 key, enrolled and signing over plain HTTP. */
  async function bareDevice() {
    const person = await world.registered(ORG_A.ura);
    const enrolment = parseQrPayload((await issueUserCode(world.deps(), person, ORG_A.ura, 'Gebruiker')).payload, 'enrol');
    const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const jwk = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
    const post = (path: string, body: unknown) => fetch(`${world.portal.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const enrolled = (await (await post('/api/mobile/enrol', { code: enrolment.code, birthDate: person.birthDate, publicKey: { jwk } })).json()) as { mobileId: string };
    return {
      async confirm(code: string, extra: Record<string, unknown>) {
        const signature = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, mobileLoginMessage(world.portal.origin, code)));
        const res = await post('/api/mobile/login', { code, mobileId: enrolled.mobileId, signature: Buffer.from(signature).toString('base64url'), ...extra });
        return { status: res.status, body: (await res.json()) as { code?: string; outcome?: string } };
      },
    };
  }

  it('refuses a validly signed confirmation that carries no code, or not six digits, and logs nobody in', async () => {
    const device = await bareDevice();
    const browser = new TestBrowser(() => world.portal);
    const page = await landing(browser);
    const code = parseQrPayload(decodeQrPng(page.png), 'login').code;
    expect(await device.confirm(code, {})).toEqual({ status: 400, body: expect.objectContaining({ code: 'ERR_PORTAL_BAD_REQUEST' }) });
    for (const confirmCode of ['12345', '1234567', 'abc def', 123456]) {
      expect((await device.confirm(code, { confirmCode })).body.code, String(confirmCode)).toBe('ERR_PORTAL_BAD_REQUEST');
    }
    expect(await complete(browser)).toBe('pending');
    // The same device with the page's code: the request was refused for the code, nothing else.
    expect(await device.confirm(code, { confirmCode: page.confirmCode })).toEqual({ status: 200, body: { outcome: 'ok' } });
    expect(await complete(browser)).toBe('ok');
  });

  it('voids the QR at the first wrong code, for the confirmation itself too: no second guess', async () => {
    const device = await bareDevice();
    const browser = new TestBrowser(() => world.portal);
    const page = await landing(browser);
    const code = parseQrPayload(decodeQrPng(page.png), 'login').code;
    expect(await device.confirm(code, { confirmCode: otherThan(page.confirmCode!) })).toEqual({ status: 403, body: expect.objectContaining({ code: 'ERR_MOBILE_CODE_MISMATCH' }) });
    expect(await device.confirm(code, { confirmCode: page.confirmCode })).toEqual({ status: 410, body: expect.objectContaining({ code: 'ERR_MOBILE_LOGIN_CODE_VOID' }) });
    expect((await world.portal.store.getLoginQr(code))?.voidedAt).toBe(world.now.value);
    expect(await complete(browser)).toBe('void');
  });
});

describe('the login prompt', () => {
  const prompt = (code: unknown) =>
    fetch(`${world.portal.origin}/api/mobile/login-prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const codeOf = async (res: Promise<Response>) => ((await (await res).json()) as { code?: string }).code;

  it('names the portal by its own origin and answers unknown, used and voided QR codes with their codes', async () => {
    const page = await landing();
    const code = parseQrPayload(decodeQrPng(page.png), 'login').code;
    expect(await (await prompt(code)).json()).toMatchObject({ outcome: 'prompt', portal: world.portal.origin, confirmCode: page.confirmCode });
    expect(await codeOf(prompt('A'.repeat(24)))).toBe('ERR_MOBILE_LOGIN_CODE_UNKNOWN');
    expect(await codeOf(prompt('kort'))).toBe('ERR_PORTAL_BAD_REQUEST');
    await member.mobile.login({ png: page.png });
    expect(await codeOf(prompt(code))).toBe('ERR_MOBILE_LOGIN_CODE_USED');
    const next = await landing();
    await expect(member.mobile.login({ png: next.png }, (p) => otherThan(p.confirmCode))).rejects.toMatchObject({ code: 'ERR_MOBILE_CODE_MISMATCH' });
    const voided = await prompt(parseQrPayload(decodeQrPng(next.png), 'login').code);
    expect([voided.status, ((await voided.json()) as { code: string }).code]).toEqual([410, 'ERR_MOBILE_LOGIN_CODE_VOID']);
  });
});
