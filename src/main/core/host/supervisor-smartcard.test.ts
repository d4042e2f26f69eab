// The supervisor's side of Smartcard operations with the host replaced at its port (HostLauncher): the
// request crosses as JSON with the PINs zeroed here, and a card pulled under an operation that hangs
// in the middleware ends it (ERR_CARD_REMOVED, new host) after the removal grace, not after the
// two-minute key-generation deadline. The real host is covered in test/smartcard/smartcard-host.test.ts.
import { describe, expect, it } from 'vitest';
import { unseal, type SealedSecret } from './secret-seal';
import { AppError } from '../../../shared/errors';
import type { FromHost, ToHost } from './host-protocol';
import { createCardHost, type HostLauncher } from './supervisor';

const R1 = 'Virtual PCD 00 01';

function fakeHosts() {
  const launched: Array<{ received: ToHost[]; send: (m: FromHost) => void; killed: boolean }> = [];
  const launch: HostLauncher = () => {
    let listener: (m: unknown) => void = () => undefined;
    let exited: () => void = () => undefined;
    const host = { received: [] as ToHost[], send: (m: FromHost) => listener(JSON.parse(JSON.stringify(m))), killed: false };
    launched.push(host);
    const reply = (msg: ToHost) => {
      if (msg.t === 'init') {
        host.send({ t: 'event', event: { type: 'readers', readers: [{ name: R1, present: true, atr: '3B', family: 'unknown', cardName: 'Onbekende pas' }] } });
        host.send({ t: 'ready' });
      } else if (msg.t === 'call' && msg.method === 'smartcard' && msg.op === 'listTokens') {
        host.send({ t: 'result', id: msg.id, ok: true, value: [{ slotId: '1f', description: `${R1} (slot 0)`, tokenLabel: 'blank', tokenSerial: 's' }] });
      }
      // Everything else hangs, like a middleware deadlocked by a pull.
    };
    return {
      pid: 4242 + launched.length,
      transport: {
        postMessage: (m) => {
          const msg = JSON.parse(JSON.stringify(m)) as ToHost;
          host.received.push(msg);
          queueMicrotask(() => reply(msg));
        },
        onMessage: (l) => (listener = l),
      },
      kill: () => {
        host.killed = true;
        queueMicrotask(() => exited());
      },
      onExit: (l) => (exited = () => l(null, 'SIGKILL')),
    };
  };
  return { launch, launched };
}

describe('supervisor: Smartcard operations', () => {
  it('sends PINs as text, zeroes ours, and ends a hung operation when its card is pulled', async () => {
    const { launch, launched } = fakeHosts();
    const host = createCardHost({ modulePath: null, launch, removalGraceMs: 100, restart: { max: 5, windowMs: 60_000, backoffMs: 10, maxBackoffMs: 10 } });
    try {
      await host.whenReady();
      const tokens = host.smartcardTokens();
      expect(await tokens.listTokens()).toMatchObject([{ slotId: '1f' }]);

      const pin = Buffer.from('24681357');
      const started = Date.now();
      const keygen = tokens.generateKeyPair({ slotId: '1f', pin, id: '01', label: 'x', bits: 2048 }).catch((e: unknown) => e);
      expect(pin.every((b) => b === 0)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      const sent = launched[0]!.received.find((m) => m.t === 'call' && m.method === 'smartcard' && m.op === 'generateKeyPair');
      // The PIN crossed sealed with the key of the host's init message: opened with it, not readable without.
      expect(sent).toMatchObject({ request: { slotId: '1f', pin: { $sealed: expect.any(String) }, bits: 2048 } });
      const init = launched[0]!.received.find((m) => m.t === 'init') as { sealKey: string };
      const sealed = (sent as unknown as { request: { pin: SealedSecret } }).request.pin;
      expect(JSON.stringify(sent)).not.toContain(Buffer.from('24681357').toString('base64'));
      expect(unseal(Buffer.from(init.sealKey, 'base64'), sealed).toString()).toBe('24681357');

      launched[0]!.send({ t: 'event', event: { type: 'removed', reader: R1, at: 0 } });
      const err = await keygen;
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('ERR_CARD_REMOVED');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(launched[0]!.killed).toBe(true);
      await host.whenReady();
      expect(launched).toHaveLength(2);
    } finally {
      await host.close();
    }
  });
});
