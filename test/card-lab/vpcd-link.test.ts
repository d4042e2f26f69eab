// The vpcd client against a stand-in vpcd server speaking the same framing (the real one is covered
// by card-lab.lab.test.ts): split frames, ATR requests at any time, in-order replies, re-insertion.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VpcdLink, type VirtualCard } from './vpcd-link';

const frame = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);

async function fakeVpcd() {
  const sockets: Socket[] = [];
  const replies: Buffer[] = [];
  let inbox = Buffer.alloc(0);
  const server: Server = createServer((s) => {
    sockets.push(s);
    s.on('data', (c) => {
      inbox = Buffer.concat([inbox, c]);
      while (inbox.length >= 2 && inbox.length >= 2 + inbox.readUInt16BE(0)) {
        replies.push(inbox.subarray(2, 2 + inbox.readUInt16BE(0)));
        inbox = inbox.subarray(2 + inbox.readUInt16BE(0));
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const waitReplies = async (n: number) => {
    for (let i = 0; i < 200 && replies.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return replies;
  };
  return { server, port, sockets, replies, waitReplies, close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }) };
}

const card = (delays: Record<string, number> = {}): VirtualCard & { controls: string[] } => {
  const controls: string[] = [];
  return {
    controls,
    atr: () => Buffer.from('3b00', 'hex'),
    control: (c) => void controls.push(c),
    transmit: async (apdu) => {
      await new Promise((r) => setTimeout(r, delays[apdu.toString('hex')] ?? 0));
      return Buffer.concat([apdu.subarray(1, 2), Buffer.from([0x90, 0x00])]);
    },
  };
};

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('vpcd link', () => {
  it('answers the ATR request and APDUs in the order vpcd sent them, even when split across packets', async () => {
    const vpcd = await fakeVpcd();
    cleanup.push(vpcd.close);
    const c = card({ '00aa0000': 100 });
    const link = new VpcdLink(c, { port: vpcd.port });
    await link.insert();
    const s = vpcd.sockets[0]!;
    const bytes = Buffer.concat([frame(Buffer.from([1])), frame(Buffer.from('00aa0000', 'hex')), frame(Buffer.from([4])), frame(Buffer.from('00bb0000', 'hex'))]);
    s.write(bytes.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 20));
    s.write(bytes.subarray(3));
    const replies = await vpcd.waitReplies(3);
    expect(replies.map((r) => r.toString('hex'))).toEqual(['aa9000', '3b00', 'bb9000']);
    expect(c.controls).toEqual(['power-on']);
    expect(link.apduCount).toBe(2);
    await link.pull();
  });

  it('pulls by closing the socket and can be inserted again; a late answer never reaches the new insertion', async () => {
    const vpcd = await fakeVpcd();
    cleanup.push(vpcd.close);
    const link = new VpcdLink(card({ '00cc0000': 150 }), { port: vpcd.port });
    await link.insert();
    vpcd.sockets[0]!.write(frame(Buffer.from('00cc0000', 'hex')));
    await new Promise((r) => setTimeout(r, 20));
    await link.pull();
    expect(link.inserted).toBe(false);
    const atr = link.nextAtrRequest(2000);
    await link.insert();
    vpcd.sockets[1]!.write(frame(Buffer.from([4])));
    await atr;
    await new Promise((r) => setTimeout(r, 250));
    expect(vpcd.replies.map((r) => r.toString('hex'))).toEqual(['3b00']);
    await link.pull();
  });

  it('keeps retrying a refused connection until vpcd listens, and reports a clear error when it never does', async () => {
    const vpcd = await fakeVpcd();
    const port = vpcd.port;
    await vpcd.close();
    const link = new VpcdLink(card(), { port });
    await expect(link.insert({ timeoutMs: 300 })).rejects.toThrow(/refused the card/);
    const late = createServer((s) => s.on('error', () => undefined));
    setTimeout(() => late.listen(port, '127.0.0.1'), 200);
    cleanup.push(() => new Promise((r) => late.close(() => r())));
    await link.insert({ timeoutMs: 3000 });
    expect(link.inserted).toBe(true);
    await link.pull();
  });
});
