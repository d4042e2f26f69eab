// What the validator remembers between tokens: certificates repeat (the same card, the same CAs), so
// each is parsed once, keyed by its base64 text as it arrives; a verified path is kept by leaf and
// offered intermediates (signatures never change, so a hit only re-checks validity at `at`); and the
// holder, a pure function of the certificate bytes. All bounded; parsed values are immutable.
import type { UziHolder } from '@zorgid/uzi';
import { parseCertificate, type ParsedCertificate } from './certificate';
import { ValidatorError } from './errors';
import type { IdentityPort } from './identity';

export interface CertificateCacheOptions {
  identity: IdentityPort;
  anchors: ParsedCertificate[];
  intermediates: ParsedCertificate[];
  /** Verified chains and parsed holders remembered; 0 disables. */
  size: number;
}

export interface CertificateCache {
  /** Throws what parseCertificate throws. */
  fromBase64(b64: string): ParsedCertificate;
  /** The issuer on a verified path from `leaf` to an anchor; throws ValidatorError ERR_CERT_*. */
  issuerOf(leaf: ParsedCertificate, offered: ParsedCertificate[], at: Date): Promise<ParsedCertificate>;
  /** Throws what the identity port's parseUzi throws. */
  holderOf(cert: ParsedCertificate): UziHolder;
}

const validAt = (c: ParsedCertificate, at: Date) => c.notBefore.getTime() <= at.getTime() && at.getTime() <= c.notAfter.getTime();

function remember<K, V>(map: Map<K, V>, limit: number, key: K, value: V): void {
  if (limit <= 0) return;
  if (map.size >= limit) map.clear();
  map.set(key, value);
}

/** The path builder gets only the CAs whose names lead from the leaf upwards (fewer to parse). */
function candidatesFor(leaf: ParsedCertificate, pool: ParsedCertificate[]): ParsedCertificate[] {
  const picked: ParsedCertificate[] = [];
  let names = new Set([leaf.issuerKey]);
  for (let depth = 0; depth < 6 && names.size > 0; depth++) {
    const next = new Set<string>();
    for (const c of pool) {
      if (names.has(c.subjectKey) && !picked.includes(c)) {
        picked.push(c);
        if (c.issuerKey !== c.subjectKey) next.add(c.issuerKey);
      }
    }
    names = next;
  }
  return picked;
}

export function createCertificateCache(options: CertificateCacheOptions): CertificateCache {
  const parsed = new Map<string, ParsedCertificate>();
  const paths = new Map<string, ParsedCertificate[]>();
  const holders = new Map<string, UziHolder>();
  const anchorDers = options.anchors.map((a) => a.der);

  const fromBase64 = (b64: string): ParsedCertificate => {
    let cert = parsed.get(b64);
    if (!cert) {
      cert = parseCertificate(new Uint8Array(Buffer.from(b64, 'base64')));
      remember(parsed, 1000, b64, cert);
    }
    return cert;
  };

  async function issuerOf(leaf: ParsedCertificate, offered: ParsedCertificate[], at: Date): Promise<ParsedCertificate> {
    const key = [leaf.sha256, ...offered.map((c) => c.sha256).sort()].join(',');
    const cached = paths.get(key);
    if (cached && cached.every((c) => validAt(c, at))) return cached[1]!;
    const candidates = candidatesFor(leaf, [...offered, ...options.intermediates]).map((c) => c.der);
    const chain = await options.identity.buildChain({ leaf: leaf.der, intermediates: candidates, anchors: anchorDers, at });
    const path = chain.map((d, i) => (i === 0 ? leaf : fromBase64(Buffer.from(d).toString('base64'))));
    if (path.length < 2) throw new ValidatorError('ERR_CERT_CHAIN_INVALID', { reason: 'the certificate is itself a trust anchor' });
    remember(paths, options.size, key, path);
    return path[1]!;
  }

  function holderOf(cert: ParsedCertificate): UziHolder {
    const known = holders.get(cert.sha256);
    if (known) return { ...known };
    const holder = options.identity.parseUzi(cert.der);
    remember(holders, options.size, cert.sha256, holder);
    return { ...holder };
  }

  return { fromBase64, issuerOf, holderOf };
}
