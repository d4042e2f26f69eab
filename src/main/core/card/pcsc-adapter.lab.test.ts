// The reader monitor against the real pcsclite → pcscd → vpcd path with the card lab's virtual cards.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CardEvent } from '../../../shared/domain';
import { startCardLab, type CardLab } from '../../../../test/card-lab/controller';
import { ensurePcscd, requireLab, restartPcscd, stopPcscd, type PcscdHandle } from '../../../../test/card-lab/pcscd';
import { startReaderMonitor, type ReaderMonitor } from './pcsc-adapter';

const lab = requireLab();
const R0 = 'Virtual PCD 00 00';
const R1 = 'Virtual PCD 00 01';
const UZI_ATR = '3B FD 18 00 FF 81 31 FE 45 43 49 42 47 55 5A 49 4A 32 41 30 38 31 58';

/** Collects monitor events and waits for one matching a predicate (from now on). */
function recorder(monitor: ReaderMonitor) {
  const events: CardEvent[] = [];
  const waiters: Array<{ pred: (e: CardEvent) => boolean; resolve: (e: CardEvent) => void }> = [];
  monitor.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    events,
    next<T extends CardEvent>(pred: (e: CardEvent) => e is T, timeoutMs = 5000, what = 'event'): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e as T)) });
      });
    },
  };
}

const isInserted = (reader: string) => (e: CardEvent): e is Extract<CardEvent, { type: 'inserted' }> => e.type === 'inserted' && e.reader === reader;
const isRemoved = (reader: string) => (e: CardEvent): e is Extract<CardEvent, { type: 'removed' }> => e.type === 'removed' && e.reader === reader;
const isService = (status: 'up' | 'down') => (e: CardEvent): e is Extract<CardEvent, { type: 'service' }> => e.type === 'service' && e.status === status;

/**
 * Waits until pcscd itself reports both readers empty. A card pulled by the file before (its lab closed
 * the vpcd socket) is still present in pcscd's view for up to one vpcd poll; a monitor started in that
 * window rightly reports it inserted, then removed. The tests here start from empty readers.
 */
async function untilReadersEmpty(timeoutMs = 10_000): Promise<void> {
  const probe = startReaderMonitor({ retryMs: 300, maxRetryMs: 1000 });
  try {
    await probe.ready();
    const deadline = Date.now() + timeoutMs;
    while (probe.readers().length < 2 || probe.readers().some((r) => r.present)) {
      if (Date.now() > deadline) throw new Error(`readers not empty within ${timeoutMs} ms: ${JSON.stringify(probe.readers())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await probe.close();
  }
}

describe.skipIf(lab.skip)(lab.title('reader monitor over pcsclite (card lab)'), () => {
  let pcscd: PcscdHandle;
  let cards: CardLab;
  let monitor: ReaderMonitor;
  let rec: ReturnType<typeof recorder>;

  beforeAll(async () => {
    pcscd = await ensurePcscd();
    cards = await startCardLab();
    await untilReadersEmpty();
    monitor = startReaderMonitor({ retryMs: 300, maxRetryMs: 1000 });
    rec = recorder(monitor);
    await monitor.ready();
  });

  afterEach(async () => {
    await cards.remove({ reader: 0 });
    await cards.remove({ reader: 1 });
  });

  afterAll(async () => {
    await monitor?.close();
    await cards?.close();
    if (pcscd?.started) await stopPcscd();
  });

  it('lists both readers, empty, without reporting a removal for an empty reader at start', () => {
    expect(monitor.serviceError()).toBeNull();
    expect(monitor.readers()).toEqual([
      { name: R0, present: false, atr: null, family: null, cardName: null },
      { name: R1, present: false, atr: null, family: null, cardName: null },
    ]);
    expect(rec.events.some((e) => e.type === 'removed' || e.type === 'inserted')).toBe(false);
  });

  it('reports an inserted UZI-pas with its ATR and family, then its removal', async () => {
    const inserted = rec.next(isInserted(R0));
    await cards.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
    const ev = await inserted;
    expect(ev.atr).toBe(UZI_ATR);
    expect(ev.family).toBe('uzi');
    expect(monitor.readers().find((r) => r.name === R0)).toMatchObject({ present: true, atr: UZI_ATR, family: 'uzi', cardName: 'UZI-pas' });

    const removed = rec.next(isRemoved(R0));
    await cards.remove({ reader: 0 });
    await removed;
    expect(monitor.readers().find((r) => r.name === R0)).toMatchObject({ present: false, atr: null });
  });

  it('follows two readers with two cards at once', async () => {
    const in0 = rec.next(isInserted(R0));
    const in1 = rec.next(isInserted(R1));
    await cards.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
    await cards.insert('N-medewerker', { reader: 1, waitForPcscd: false });
    await Promise.all([in0, in1]);
    const last = [...rec.events].reverse().find((e) => e.type === 'readers');
    expect(last).toMatchObject({ type: 'readers', readers: [{ name: R0, present: true }, { name: R1, present: true }] });

    const out1 = rec.next(isRemoved(R1));
    await cards.remove({ reader: 1 });
    await out1;
    expect(monitor.readers().map((r) => r.present)).toEqual([true, false]);
  });

  it('names a card with an unknown ATR "Onbekende pas" (family unknown)', async () => {
    const inserted = rec.next(isInserted(R1));
    await cards.insert('Z-huisarts', { reader: 1, atr: '3B 02 14 50', waitForPcscd: false });
    const ev = await inserted;
    expect(ev).toMatchObject({ atr: '3B 02 14 50', family: 'unknown' });
    expect(monitor.readers().find((r) => r.name === R1)).toMatchObject({ family: 'unknown', cardName: 'Onbekende pas' });
  });

  it('reports pcscd going away and recovers by itself when it is back', async () => {
    const down = rec.next(isService('down'), 8000, 'service down');
    const up = rec.next(isService('up'), 15000, 'service up');
    const restarted = restartPcscd();
    const d = await down;
    expect(d.error?.code).toBe('ERR_CARD_PCSC_UNAVAILABLE');
    expect(monitor.readers()).toEqual([]);
    await restarted;
    await up;
    // Both readers come back, and a card inserted now is seen.
    await rec.next((e): e is CardEvent => e.type === 'readers' && e.readers.length === 2, 5000, 'both readers').catch(() => undefined);
    expect(monitor.readers().map((r) => r.name)).toEqual([R0, R1]);
    const inserted = rec.next(isInserted(R0));
    await cards.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
    await inserted;
  });

  it('starts without pcscd (service down, no readers) and comes up when pcscd starts', async () => {
    await stopPcscd();
    const cold = startReaderMonitor({ retryMs: 200, maxRetryMs: 500 });
    try {
      const coldRec = recorder(cold);
      await cold.ready();
      expect(cold.serviceError()?.code).toBe('ERR_CARD_PCSC_UNAVAILABLE');
      expect(cold.readers()).toEqual([]);
      const up = coldRec.next(isService('up'), 15000, 'service up');
      await ensurePcscd();
      await up;
      await coldRec.next((e): e is CardEvent => e.type === 'readers' && e.readers.length === 2, 5000, 'both readers').catch(() => undefined);
      expect(cold.readers().map((r) => r.name)).toEqual([R0, R1]);
    } finally {
      await cold.close();
    }
  });

  it('a card pulled and put back while the monitor was busy still shows as removed + inserted (event counter)', async () => {
    // Another process moves the card, so this one can be busy meanwhile: pcsclite then hands us only
    // the last state (present, same ATR), and only pcsc-lite's event counter says what happened.
    const driver = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../../../test/card-lab/card-driver.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: driver.stdout! });
    const replies: string[] = [];
    const waiting: Array<(line: string) => void> = [];
    lines.on('line', (line) => (waiting.shift() ?? ((l: string) => replies.push(l)))(line));
    const reply = () => new Promise<string>((resolve) => (replies.length ? resolve(replies.shift()!) : waiting.push(resolve)));
    try {
      expect(await reply()).toBe('ready');
      const inserted = rec.next(isInserted(R1), 10_000);
      driver.stdin!.write('insert Z-huisarts 1\n');
      expect(await reply()).toBe('ok insert Z-huisarts 1');
      await inserted;
      const before = rec.events.length;

      driver.stdin!.write('remove 1\nsleep 1500\ninsert Z-huisarts 1\n');
      // Busy for 4 s: pcscd sees the pull and the new insert (it polls vpcd every ~0.4 s), we see nothing.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000);
      expect(await reply()).toBe('ok remove 1');
      expect(await reply()).toBe('ok sleep 1500');
      expect(await reply()).toBe('ok insert Z-huisarts 1');
      // The events may have come while we waited for the driver's replies.
      const after = () => rec.events.slice(before).filter((e) => 'reader' in e && e.reader === R1).map((e) => e.type);
      await expect.poll(after, { timeout: 5_000 }).toEqual(['removed', 'inserted']);
      expect(monitor.readers().find((r) => r.name === R1)).toMatchObject({ present: true, atr: UZI_ATR });
    } finally {
      driver.stdin!.end();
      await new Promise((r) => driver.once('exit', r));
    }
  }, 60_000);

  it('measures insert → event latency', async () => {
    // A card pulled and put back faster than pcscd polls is never seen as gone: start from a seen-empty reader.
    for (let i = 0; i < 50 && monitor.readers().find((r) => r.name === R0)?.present; i++) await new Promise((r) => setTimeout(r, 100));
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      const inserted = rec.next(isInserted(R0));
      const t0 = performance.now();
      await cards.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
      await inserted;
      samples.push(performance.now() - t0);
      const removed = rec.next(isRemoved(R0));
      await cards.remove({ reader: 0 });
      await removed;
    }
    samples.sort((a, b) => a - b);
    const p = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
    console.log(`LAB monitor insert→event p50 ${p(0.5).toFixed(0)} ms p95 ${p(0.95).toFixed(0)} ms (n=${samples.length})`);
    expect(p(0.5)).toBeLessThan(2000);
  });
});

describe('reader monitor without pcsclite', () => {
  it('reports PC/SC as unavailable for good when the optional pcsclite package cannot load', async () => {
    const monitor = startReaderMonitor({ load: () => Promise.reject(new Error('Cannot find package pcsclite')) });
    const events: CardEvent[] = [];
    monitor.subscribe((e) => events.push(e));
    await monitor.ready();
    expect(monitor.serviceError()).toMatchObject({ code: 'ERR_APP_NATIVE_MODULE', detail: { module: 'pcsclite' } });
    expect(monitor.readers()).toEqual([]);
    await monitor.close();
  });
});
