import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCapped } from './read-capped';

function stream(chunks: number[], onCancel?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(new Uint8Array(chunks[i++]!).fill(i));
      else controller.close();
    },
    cancel: () => onCancel?.(),
  });
}

describe('readCapped', () => {
  it('returns every byte up to the limit, in order', async () => {
    const bytes = await readCapped(stream([3, 2]), 5);
    expect([...bytes!]).toEqual([1, 1, 1, 2, 2]);
    expect(await readCapped(null, 5)).toEqual(new Uint8Array(0));
  });

  it('cancels the stream at the first byte over the limit and reads no further', async () => {
    let cancelled = false;
    expect(await readCapped(stream([3, 3, 1000], () => (cancelled = true)), 5)).toBeNull();
    expect(cancelled).toBe(true);
  });

  it('reads a Node readable (the portal\'s IncomingMessage) the same way, and destroys it past the limit', async () => {
    const node = (chunks: number[]) => {
      let pulled = 0;
      const r = new Readable({
        read() {
          if (pulled < chunks.length) this.push(new Uint8Array(chunks[pulled++]!).fill(pulled));
          else this.push(null);
        },
      });
      return { r, pulled: () => pulled };
    };
    const ok = node([3, 2]);
    expect([...(await readCapped(ok.r, 5))!]).toEqual([1, 1, 1, 2, 2]);
    const big = node([3, 3, 1000, 1000]);
    expect(await readCapped(big.r, 5)).toBeNull();
    expect(big.r.destroyed).toBe(true);
    expect(big.pulled()).toBeLessThan(4);
  });
});
