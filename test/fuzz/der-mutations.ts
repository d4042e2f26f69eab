// Test support: DER taken apart and put back together with one element's length written the BER way
// (indefinite or non-minimal), as an attacker re-encodes a certificate whose signature does not cover
// that element. Also the byte-level mutations the fuzz properties start from.

export interface DerNode {
  tag: number;
  /** Children when constructed, else the content bytes. */
  children: DerNode[] | null;
  content: Uint8Array;
}

export type LengthForm = 'minimal' | 'non-minimal' | 'indefinite';

function readLength(der: Uint8Array, at: number): { len: number; next: number } {
  const first = der[at]!;
  if (first < 0x80) return { len: first, next: at + 1 };
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[at + 1 + i]!;
  return { len, next: at + 1 + n };
}

/** Parses strict DER (the fixtures are) into a tree; constructed elements are split into children. */
export function parseDerTree(der: Uint8Array, start = 0, end = der.length): DerNode[] {
  const out: DerNode[] = [];
  let at = start;
  while (at < end) {
    const tag = der[at]!;
    const { len, next } = readLength(der, at + 1);
    const content = der.subarray(next, next + len);
    out.push({ tag, content, children: tag & 0x20 ? parseDerTree(der, next, next + len) : null });
    at = next + len;
  }
  return out;
}

export function encodeLength(len: number, form: LengthForm): number[] {
  if (form === 'indefinite') return [0x80];
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  if (form === 'non-minimal') return [0x80 | (bytes.length + 1), 0x00, ...bytes];
  if (len < 0x80) return [len];
  return [0x80 | bytes.length, ...bytes];
}

/** Serialises `nodes`; the node at `target` (child indices from the top) gets length form `form`. */
export function serialiseDerTree(nodes: DerNode[], target: number[] = [], form: LengthForm = 'minimal'): Uint8Array {
  const parts: number[] = [];
  nodes.forEach((node, i) => {
    const here = target.length === 1 && target[0] === i;
    const below = target.length > 1 && target[0] === i ? target.slice(1) : [];
    const content = node.children ? serialiseDerTree(node.children, below, form) : node.content;
    const nodeForm = here ? form : 'minimal';
    parts.push(node.tag, ...encodeLength(content.length, nodeForm), ...content);
    if (nodeForm === 'indefinite') parts.push(0x00, 0x00);
  });
  return Uint8Array.from(parts);
}

/** `der` with the element at `path` re-encoded with `form`; every other byte stays as it was. */
export function reencode(der: Uint8Array, path: number[], form: LengthForm): Uint8Array {
  return serialiseDerTree(parseDerTree(der), path, form);
}

/** Paths of every constructed and primitive element, depth first (for picking a random one). */
export function elementPaths(nodes: DerNode[], prefix: number[] = []): number[][] {
  return nodes.flatMap((n, i) => [[...prefix, i], ...(n.children ? elementPaths(n.children, [...prefix, i]) : [])]);
}

/** Path of a certificate's outer signatureAlgorithm: Certificate → [1]. */
export const OUTER_SIGNATURE_ALGORITHM = [0, 1];
