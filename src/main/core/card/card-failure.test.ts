// How a failed card call is explained, against a ReaderMonitor port whose readers and service change
// under the call as pcsclite reports them when a card is pulled or pcscd dies.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { explainFailure } from './card-failure';
import type { ReaderState } from '../../../shared/domain';
import type { ReaderMonitor } from './pcsc-adapter';

const R0 = 'Virtual PCD 00 00';

function monitorOf(initial: ReaderState[]) {
  let readers = initial;
  let down: AppError | null = null;
  const monitor: ReaderMonitor = {
    subscribe: () => () => undefined,
    ready: async () => undefined,
    readers: () => readers,
    serviceError: () => (down ? down.toJSON() : null),
    close: async () => undefined,
  };
  return {
    monitor,
    endReaders: () => (readers = []),
    pcscdDown: () => (down = new AppError('ERR_CARD_PCSC_UNAVAILABLE', { message: 'PC/SC connection ended' })),
    pull: () => (readers = readers.map((r) => ({ ...r, present: false }))),
  };
}

const present: ReaderState = { name: R0, present: true, atr: '3b', family: 'uzi', cardName: null };
const loginFailed = () => new AppError('ERR_CARD_UNKNOWN', { ckr: 'CKR_GENERAL_ERROR', method: 'C_Login' });
const codeOf = async (p: Promise<unknown>) => ((await p) as AppError).code;

describe('explainFailure', () => {
  it('pcscd killed: its readers end before the service does, and the answer is ERR_CARD_PCSC_UNAVAILABLE (retry)', async () => {
    const lab = monitorOf([present]);
    lab.endReaders();
    setTimeout(() => lab.pcscdDown(), 120);
    const err = (await explainFailure({ monitor: lab.monitor, removalSettleMs: 700 }, R0, loginFailed())) as AppError;
    expect(err.code).toBe('ERR_CARD_PCSC_UNAVAILABLE');
    expect(err.kind).toBe('retry');
    expect(err.detail).toMatchObject({ reader: R0, middleware: 'ERR_CARD_UNKNOWN', method: 'C_Login' });
  });

  it('the card pulled under the call: ERR_CARD_REMOVED once PC/SC sees the reader empty', async () => {
    const lab = monitorOf([present]);
    setTimeout(() => lab.pull(), 150);
    expect(await codeOf(explainFailure({ monitor: lab.monitor, removalSettleMs: 700 }, R0, loginFailed()))).toBe('ERR_CARD_REMOVED');
  });

  it('a reader PC/SC never knew, with the service up, keeps the middleware answer after a short grace', async () => {
    const lab = monitorOf([present]);
    const t0 = performance.now();
    expect(await codeOf(explainFailure({ monitor: lab.monitor, removalSettleMs: 700 }, 'slot 3', loginFailed()))).toBe('ERR_CARD_UNKNOWN');
    expect(performance.now() - t0).toBeLessThan(700);
  });

  it('leaves clear answers alone: a wrong PIN stays a wrong PIN, also while pcscd is down', async () => {
    const lab = monitorOf([]);
    lab.pcscdDown();
    expect(await codeOf(explainFailure({ monitor: lab.monitor, removalSettleMs: 700 }, R0, new AppError('ERR_PIN_INCORRECT')))).toBe('ERR_PIN_INCORRECT');
  });
});
