// The virtual PIV card on vpcd, seen through both real paths: pcsclite → pcscd, and OpenSC's PKCS#11
// module (in child processes: pkcs11-tool and a graphene-pk11 probe).
import { execFile } from 'node:child_process';
import { X509Certificate, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCardLab, LAB_PIN, type CardLab } from './controller';
import { openscLabEnv } from './opensc-conf';
import { UZI_ATR } from './piv-applet';
import { OPENSC_PKCS11, ensurePcscd, isPcscdRunning, listReaders, requireLab, restartPcscd, stopPcscd, type PcscdHandle } from './pcscd';
import { runProbe, type ProbeResult } from './pkcs11-probe';

const run = promisify(execFile);
const lab = requireLab();
const env = openscLabEnv();
const READER0 = 'Virtual PCD 00 00';
const READER1 = 'Virtual PCD 00 01';
const timings: Record<string, number> = {};
const apduCounts: Record<string, number> = {};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// pcsclite's typings declare their interfaces without exporting them: derive them from the factory.
type Pcsc = ReturnType<typeof import('pcsclite')>;
type PcscReader = Parameters<Extract<Parameters<Pcsc['once']>, ['reader', unknown]>[1]>[0];

/** pcsclite watcher over the real pcscd; records status changes of one reader. */
async function watch(readerName: string) {
  const pcsclite = (await import('pcsclite')).default;
  const pcsc: Pcsc = pcsclite();
  pcsc.on('error', () => undefined);
  const states: Array<{ at: number; present: boolean; atr: string }> = [];
  const reader = await new Promise<PcscReader>((resolve) => {
    pcsc.on('reader', (r) => {
      r.on('error', () => undefined);
      if (r.name !== readerName) return;
      r.on('status', (s) => {
        states.push({ at: performance.now(), present: (s.state & r.SCARD_STATE_PRESENT) !== 0, atr: s.atr?.toString('hex') ?? '' });
      });
      resolve(r);
    });
  });
  const waitFor = async (present: boolean, since: number, timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = states.find((x) => x.at >= since && x.present === present);
      if (s) return s;
      if (Date.now() > until) throw new Error(`${readerName}: no ${present ? 'insert' : 'removal'} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { pcsc, reader, states, waitFor, close: () => pcsc.close() };
}

function transmit(reader: PcscReader, protocol: number, apdu: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    reader.transmit(apdu, 4096, protocol, (err, data) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(data))),
  );
}

function connect(reader: PcscReader): Promise<number> {
  return new Promise((resolve, reject) =>
    reader.connect({ share_mode: reader.SCARD_SHARE_SHARED }, (err, protocol) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(protocol))),
  );
}

function values(results: ProbeResult[]) {
  return results.map((r) => (r.ok ? { ok: true as const, value: r.value } : { ok: false as const, message: r.error.message, code: r.error.code }));
}

const FINAL_TRY = 0x20000;
const LOCKED = 0x40000;

describe.skipIf(lab.skip)(lab.title('card lab: virtual PIV card on vpcd'), () => {
  let pcscd: PcscdHandle;
  let cards: CardLab;

  beforeAll(async () => {
    pcscd = await ensurePcscd();
    cards = await startCardLab();
  });

  afterEach(async () => {
    await cards.remove({ reader: 0 });
    await cards.remove({ reader: 1 });
  });

  afterAll(async () => {
    await cards?.close();
    if (pcscd?.started) await stopPcscd();
    for (const [k, v] of Object.entries(timings)) console.log(`LAB ${k} ${v.toFixed(1)} ms`);
    for (const [k, v] of Object.entries(apduCounts)) console.log(`LAB apdus ${k} ${v}`);
  });

  it('shows the UZI ATR to pcsclite on insert and reports the removal', async () => {
    const w = await watch(READER0);
    try {
      const t0 = performance.now();
      await cards.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
      const inserted = await w.waitFor(true, t0);
      timings['pcsclite-insert-latency'] = inserted.at - t0;
      expect(inserted.atr).toBe(UZI_ATR.toString('hex'));

      const t1 = performance.now();
      await cards.remove({ reader: 0 });
      const removed = await w.waitFor(false, t1);
      timings['pcsclite-remove-latency'] = removed.at - t1;
    } finally {
      w.close();
    }
  });

  it('answers APDUs over pcscd, and a hung card answers nothing until it is pulled', async () => {
    await cards.insert('Z-huisarts', { reader: 0 });
    const w = await watch(READER0);
    try {
      // pcscd asks for the ATR before it marks the card present.
      await w.waitFor(true, 0);
      const protocol = await connect(w.reader);
      const getDiscovery = Buffer.from('00CB3FFF035C017E00', 'hex');
      const rtts: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const r = await transmit(w.reader, protocol, getDiscovery);
        rtts.push(performance.now() - t);
        expect(r.subarray(-2).toString('hex')).toBe('9000');
        expect(r[0]).toBe(0x7e);
      }
      timings['apdu-round-trip-median'] = median(rtts);

      cards.hang({ reader: 0 });
      let settled: 'answer' | 'error' | undefined;
      let answer: Buffer | undefined;
      const pending = transmit(w.reader, protocol, getDiscovery).then(
        (a) => void ((settled = 'answer'), (answer = a)),
        () => void (settled = 'error'),
      );
      await new Promise((r) => setTimeout(r, 1000));
      expect(settled).toBeUndefined();
      await cards.remove({ reader: 0 });
      await Promise.race([pending, new Promise((r) => setTimeout(r, 5000))]);
      // vpcd answers a pulled card's pending APDU with no response bytes, or pcscd reports an error.
      console.log(`LAB pulled-while-hung: pcsclite transmit ${settled} ${answer?.toString('hex') ?? ''}`);
      expect(settled === 'error' || answer?.length === 0, `settled ${settled} with ${answer?.toString('hex')}`).toBe(true);
    } finally {
      w.close();
    }
  });

  it('gives OpenSC a token with the authentication certificate byte-identical (ID 01)', async () => {
    const card = cards.pki!.cards['Z-huisarts']!;
    // The probe polls C_GetSlotList while the reader is still empty; the card goes in once the child
    // has surely started, and the probe reports the wall-clock moment the token appeared.
    const probe = runProbe(
      {
        module: OPENSC_PKCS11,
        reader: READER0,
        steps: [{ op: 'waitToken', reader: READER0, timeoutMs: 15_000 }, { op: 'readCert', id: '02' }, { op: 'readCert', id: '03' }],
      },
      env,
    );
    await new Promise((r) => setTimeout(r, 2500));
    const t0 = Date.now();
    await cards.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
    const [detected, sign, enc] = await probe;
    expect(detected).toMatchObject({ ok: true });
    timings['token-detected-after-insert'] = (detected!.ok ? (detected!.value as number) : NaN) - t0;
    expect(sign).toMatchObject({ ok: true, value: card.sign!.certDer.toString('hex') });
    expect(enc).toMatchObject({ ok: true, value: card.enc!.certDer.toString('hex') });

    const { stdout } = await run('pkcs11-tool', ['--module', OPENSC_PKCS11, '-O'], { env: { ...process.env, ...env } });
    expect(stdout).toMatch(/Certificate Object[\s\S]*ID:\s+01/);
    expect(stdout).toMatch(/Public Key Object; RSA 2048 bits[\s\S]*ID:\s+01/);

    const dir = mkdtempSync(join(tmpdir(), 'zorgid-lab-'));
    try {
      const file = join(dir, 'auth.der');
      await run('pkcs11-tool', ['--module', OPENSC_PKCS11, '--read-object', '--type', 'cert', '--id', '01', '-o', file], { env: { ...process.env, ...env } });
      expect(readFileSync(file).equals(card.auth!.certDer)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('signs SHA256-RSA-PKCS with the card key after login; the signature verifies with the certificate', async () => {
    const card = cards.pki!.cards['Z-huisarts']!;
    const inserted = await cards.insert('Z-huisarts', { reader: 0 });
    const data = Buffer.from('ZORG-ID card lab challenge');
    const r = await runProbe(
      {
        module: OPENSC_PKCS11,
        reader: READER0,
        steps: [
          { op: 'waitToken', reader: READER0, timeoutMs: 10_000 },
          { op: 'login', pin: LAB_PIN },
          { op: 'sign', id: '01', dataHex: data.toString('hex') },
          { op: 'sign', id: '01', dataHex: data.toString('hex') },
          { op: 'sign', id: '01', dataHex: data.toString('hex') },
        ],
      },
      env,
    );
    expect(values(r).filter((x) => !x.ok)).toEqual([]);
    const cert = new X509Certificate(card.auth!.certDer);
    for (const s of r.slice(2)) {
      expect(verify('sha256', data, cert.publicKey, Buffer.from(s.ok ? (s.value as string) : '', 'hex'))).toBe(true);
    }
    // A signature by another key must not verify: the check above can fail.
    const other = new X509Certificate(cards.pki!.cards['N-medewerker']!.auth!.certDer);
    expect(verify('sha256', data, other.publicKey, Buffer.from(r[2]!.ok ? (r[2]!.value as string) : '', 'hex'))).toBe(false);
    timings['token-detect-in-probe'] = r[0]!.ms;
    timings['C_Login'] = r[1]!.ms;
    timings['C_Sign-median'] = median(r.slice(2).map((x) => x.ms));
    expect(inserted.applet.apduCount).toBeGreaterThan(10);
    apduCounts['detect+login+3-signs'] = inserted.applet.apduCount;
  });

  it("counts PIN tries on the card itself: incorrect, final try, then locked even for the right PIN", async () => {
    await cards.insert('Z-huisarts', { reader: 0 });
    const r = values(
      await runProbe(
        {
          module: OPENSC_PKCS11,
          reader: READER0,
          steps: [
            { op: 'waitToken', reader: READER0, timeoutMs: 10_000 },
            { op: 'login', pin: '000000' },
            { op: 'login', pin: '000000' },
            { op: 'flags' },
            { op: 'login', pin: '000000' },
            { op: 'flags' },
            { op: 'login', pin: LAB_PIN },
          ],
        },
        env,
      ),
    );
    expect(r[1]).toMatchObject({ ok: false, message: expect.stringContaining('CKR_PIN_INCORRECT') });
    expect(r[2]).toMatchObject({ ok: false, message: expect.stringContaining('CKR_PIN_INCORRECT') });
    expect((r[3]!.value as number) & FINAL_TRY).toBe(FINAL_TRY);
    expect(r[4]).toMatchObject({ ok: false, message: expect.stringContaining('CKR_PIN_LOCKED') });
    expect((r[5]!.value as number) & LOCKED).toBe(LOCKED);
    expect(r[6]).toMatchObject({ ok: false, message: expect.stringContaining('CKR_PIN_LOCKED') });
    expect(cards.pinTriesLeft({ reader: 0 })).toBe(0);
  });

  it('resets the counter after a right PIN, and setPinTries(1) makes the next wrong PIN lock the card', async () => {
    await cards.insert('Z-huisarts', { reader: 0 });
    const first = values(
      await runProbe(
        {
          module: OPENSC_PKCS11,
          reader: READER0,
          steps: [
            { op: 'waitToken', reader: READER0, timeoutMs: 10_000 },
            { op: 'login', pin: '000000' },
            { op: 'login', pin: LAB_PIN },
          ],
        },
        env,
      ),
    );
    expect(first[1]).toMatchObject({ ok: false, message: expect.stringContaining('CKR_PIN_INCORRECT') });
    expect(first[2]).toMatchObject({ ok: true });
    expect(cards.pinTriesLeft({ reader: 0 })).toBe(3);

    cards.setPinTries(1, { reader: 0 });
    const second = values(
      await runProbe(
        {
          module: OPENSC_PKCS11,
          reader: READER0,
          steps: [
            { op: 'waitToken', reader: READER0, timeoutMs: 10_000 },
            { op: 'flags' },
            { op: 'login', pin: '000000' },
          ],
        },
        env,
      ),
    );
    expect((second[1]!.value as number) & FINAL_TRY).toBe(FINAL_TRY);
    expect(second[2]).toMatchObject({ ok: false, message: expect.stringContaining('CKR_PIN_LOCKED') });
  });

  it('holds two cards in two readers at once, each token in the slot of its own reader', async () => {
    const pki = cards.pki!;
    await cards.insert('Z-huisarts', { reader: 0 });
    await cards.insert('N-medewerker', { reader: 1 });
    // One process after the other, as the app has one card host: two OpenSC processes detecting the
    // same two cards at once contend for the cards' PC/SC transactions and, on a loaded machine,
    // overran the probe deadline.
    const z = await runProbe({ module: OPENSC_PKCS11, reader: READER0, steps: [{ op: 'waitToken', reader: READER0, timeoutMs: 10_000 }, { op: 'waitToken', reader: READER1, timeoutMs: 10_000 }, { op: 'tokens' }, { op: 'readCert', id: '01' }] }, env);
    const n = await runProbe({ module: OPENSC_PKCS11, reader: READER1, steps: [{ op: 'waitToken', reader: READER1, timeoutMs: 10_000 }, { op: 'readCert', id: '01' }] }, env);
    const tokens = (z[2]!.ok ? z[2]!.value : []) as Array<{ slot: string; serial: string }>;
    expect(tokens.map((t) => t.slot).sort()).toEqual([expect.stringContaining(READER0), expect.stringContaining(READER1)]);
    expect(new Set(tokens.map((t) => t.serial)).size).toBe(2);
    expect(z[3]).toMatchObject({ ok: true, value: pki.cards['Z-huisarts']!.auth!.certDer.toString('hex') });
    expect(n[1]).toMatchObject({ ok: true, value: pki.cards['N-medewerker']!.auth!.certDer.toString('hex') });
  });

  it('restartPcscd() brings pcscd and both readers back; a card inserted afterwards is seen', async () => {
    await cards.insert('Z-huisarts', { reader: 0 });
    const t0 = performance.now();
    // Replacing a pcscd someone else started leaves the new one running afterwards, as before.
    const wasOurs = pcscd.started;
    pcscd = { ...(await restartPcscd()), started: wasOurs };
    timings['pcscd-restart'] = performance.now() - t0;
    expect(await isPcscdRunning()).toBe(true);
    expect(await listReaders()).toEqual([READER0, READER1]);
    // The old vpcd socket died with the old pcscd: the controller saw that as a pull.
    await new Promise((r) => setTimeout(r, 100));
    expect(cards.card({ reader: 0 })).toBeUndefined();
    await cards.insert('Z-huisarts', { reader: 0 });
    const w = await watch(READER0);
    try {
      expect((await w.waitFor(true, 0)).atr).toBe(UZI_ATR.toString('hex'));
    } finally {
      w.close();
    }
  });
});
