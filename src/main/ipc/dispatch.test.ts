import { describe, expect, it } from 'vitest';
import type { ContractHandlers } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { memorySettingsService } from '../core/policy/policy-settings';
import { createHandlers } from '../handlers';
import { createDemoCardService } from '../core/demo/demo-card-service';
import { placeholderDemoCards } from '../core/demo/demo-cards';
import { handleInvoke } from './dispatch';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function handlers(demo = true): ContractHandlers {
  const card = createDemoCardService({ cards: placeholderDemoCards(NOW), clock: () => NOW, readDelayMs: 0 });
  return createHandlers({
    card,
    settings: memorySettingsService(),
    info: { name: 'ZORG-ID Desktop', version: '0.1.0', mode: demo ? 'demo' : 'real', demoBackend: demo ? 'in-process' : null, platform: 'linux' },
    demo: demo ? card : null,
  });
}

describe('handleInvoke', () => {
  it('answers a known channel with its result', async () => {
    const result = await handleInvoke('settings:get', undefined, { handlers: handlers(), senderVerified: true });
    expect(result).toMatchObject({ ok: true, value: { language: 'nl', pkcs11ModulePath: null } });
  });

  it('refuses an unknown channel without throwing', async () => {
    for (const channel of ['card:format', 42, null, undefined, { toString: () => 'card:read' }, '__proto__', 'constructor']) {
      const result = await handleInvoke(channel, undefined, { handlers: handlers(), senderVerified: true });
      expect(result).toMatchObject({ ok: false, error: { code: 'ERR_IPC_UNKNOWN_CHANNEL', kind: 'fatal' } });
    }
  });

  it('refuses input that does not match the schema, naming the path but not the value', async () => {
    const result = await handleInvoke('settings:set', { language: 'de', extra: 'secret-ish' }, { handlers: handlers(), senderVerified: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('ERR_IPC_INVALID_INPUT');
    expect(JSON.stringify(result.error)).not.toContain('secret-ish');
    expect(JSON.stringify(result.error)).toContain('language');
  });

  it('refuses input on a channel that takes none', async () => {
    const result = await handleInvoke('card:readers', { reader: 'x' }, { handlers: handlers(), senderVerified: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_IPC_INVALID_INPUT' } });
  });

  it('refuses an unverified sender before looking at channel or input', async () => {
    const result = await handleInvoke('settings:get', undefined, { handlers: handlers(), senderVerified: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_IPC_FORBIDDEN_SENDER' } });
  });

  it('turns an AppError from a handler into its code, and anything else into ERR_INTERNAL', async () => {
    const base = handlers();
    const throwing: ContractHandlers = {
      ...base,
      'card:readers': async () => {
        throw new AppError('ERR_CARD_PCSC_UNAVAILABLE');
      },
      'app:info': async () => {
        throw new TypeError('boom');
      },
    };
    expect(await handleInvoke('card:readers', undefined, { handlers: throwing, senderVerified: true })).toMatchObject({
      ok: false,
      error: { code: 'ERR_CARD_PCSC_UNAVAILABLE', kind: 'retry' },
    });
    expect(await handleInvoke('app:info', undefined, { handlers: throwing, senderVerified: true })).toMatchObject({
      ok: false,
      error: { code: 'ERR_INTERNAL' },
    });
  });

  it('refuses demo channels outside demo mode', async () => {
    const result = await handleInvoke('demo:insert', { card: 'Z' }, { handlers: handlers(false), senderVerified: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_DEMO_DISABLED' } });
  });

  it('reads the demo Z card through the contract', async () => {
    const h = handlers();
    await handleInvoke('demo:insert', { card: 'Z', reader: 0 }, { handlers: h, senderVerified: true });
    const readers = await handleInvoke('card:readers', undefined, { handlers: h, senderVerified: true });
    expect(readers.ok && (readers.value as { present: boolean }[])[0]?.present).toBe(true);
    const reading = await handleInvoke('card:read', { reader: 'ZORG-ID Demo-lezer 1' }, { handlers: h, senderVerified: true });
    expect(reading).toMatchObject({ ok: true, value: { holder: { cardType: 'Z', roleLabel: 'Huisarts' }, validity: 'valid' } });
  });

  it('logs channel and outcome, never the input', async () => {
    const lines: string[] = [];
    await handleInvoke('settings:set', { pkcs11ModulePath: '/very/private/path.so' }, {
      handlers: handlers(),
      senderVerified: true,
      log: (e) => lines.push(JSON.stringify(e)),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('settings:set');
    expect(lines[0]).not.toContain('private');
  });
});
