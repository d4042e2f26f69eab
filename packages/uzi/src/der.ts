// Just enough DER and PEM handling to reach the exact signed bytes of a CRL and to read files a
// person hands us. Certificates and CRLs themselves are parsed with the @peculiar/asn1-x509 schema.

export interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

/** Reads one DER element at `offset`; null when the bytes are not a complete definite-length element. */
export function readTlv(buf: Uint8Array, offset = 0): Tlv | null {
  if (offset + 2 > buf.length) return null;
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) return null; // multi-byte tags never occur in the structures we read
  let len = buf[offset + 1]!;
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || pos + n > buf.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + i]!;
    pos += n;
  }
  if (pos + len > buf.length) return null;
  return { tag, contentStart: pos, end: pos + len };
}

/** The bytes of the first element inside the SEQUENCE at the start of `der` (the TBS part of a signed object). */
export function firstChildBytes(der: Uint8Array): Uint8Array | null {
  const outer = readTlv(der, 0);
  if (!outer || outer.tag !== 0x30) return null;
  const inner = readTlv(der, outer.contentStart);
  if (!inner || inner.end > outer.end) return null;
  return der.subarray(outer.contentStart, inner.end);
}

export type PemLabel = 'CERTIFICATE' | 'X509 CRL';

/** All PEM blocks with `label` in `text`, decoded. */
export function pemBlocks(text: string, label: PemLabel): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** A file's contents as DER objects: the PEM blocks of `label` if it is PEM, else the bytes themselves. */
export function derObjects(bytes: Uint8Array, label: PemLabel): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = buf.subarray(0, 64).toString('latin1');
  if (head.includes('-----BEGIN') || /^\s*-----/.test(head)) return pemBlocks(buf.toString('latin1'), label);
  return [Buffer.from(buf)];
}
