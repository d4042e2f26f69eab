// Reads a web stream up to `limit` bytes: one byte more and the stream is cancelled, the rest never
// buffered. Every body we read from the network goes through here (portal requests, the app's
// answers from a portal, OCSP answers), so "bounded before it is read" is one piece of code.

/**
 * The bytes, or null when the stream had more than `limit` (it is cancelled then). A Node readable
 * (an IncomingMessage) is read as the async iterable it is, without a web stream around it; leaving
 * the loop early destroys it.
 */
export async function readCapped(stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!('getReader' in stream)) {
    for await (const value of stream) {
      size += value.byteLength;
      if (size > limit) return null;
      chunks.push(value);
    }
    return joined(chunks, size);
  }
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return joined(chunks, size);
}

function joined(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
