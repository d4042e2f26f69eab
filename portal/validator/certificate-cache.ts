// The validator's caches: certificates parsed once per base64 text, verified chains per leaf and
// offered intermediates, and the UZI holder per certificate. All keyed by immutable inputs.
import type { UziHolder } from '../../src/shared/domain';
import { AppError } from '../../src/shared/errors';
import { parseCertificate, type ParsedCertificate } from './certificate';
import type { IdentityPort } from './identity';

export interface CertificateCache {
  parsedFromBase64(b64: string): ParsedCertificate;
  /** The issuing CA of `leaf` on a verified path to an anchor, at `at`. */
  chainIssuer(leaf: ParsedCertificate, offered: ParsedCertificate[], at: Date): Promise<ParsedCertificate>;
  holderOf(cert: ParsedCertificate): UziHolder;
}

export function createCertificateCache(input: {
  identity: IdentityPort;
  anchorDers: Uint8Array[];
  configuredIntermediates: ParsedCertificate[];
  chainCacheSize: number;
}): CertificateCache {
  const { identity, anchorDers, configuredIntermediates, chainCacheSize } = input;
  // Certificates repeat from token to token (the same card, the same CAs): parse each once, keyed
  // by the base64 text as it arrives. Parsed certificates are immutable values.
  const parsedCerts = new Map<string, ParsedCertificate>();
  const parsedFromBase64 = (b64: string): ParsedCertificate => {
    let parsed = parsedCerts.get(b64);
    if (!parsed) {
      parsed = parseCertificate(new Uint8Array(Buffer.from(b64, 'base64')));
      if (parsedCerts.size >= 1000) parsedCerts.clear();
      parsedCerts.set(b64, parsed);
    }
    return parsed;
  };
  const issuerCache = (der: Uint8Array): ParsedCertificate => parsedFromBase64(Buffer.from(der).toString('base64'));

  // Verified paths, by leaf and offered intermediates. Signatures never change, so a hit only re-checks
  // that every certificate on the path is still within its validity at `at`.
  const paths = new Map<string, ParsedCertificate[]>();
  const validAt = (c: ParsedCertificate, at: Date) => c.notBefore.getTime() <= at.getTime() && at.getTime() <= c.notAfter.getTime();

  /** The path builder gets only the CAs whose names lead from the leaf upwards (fewer to parse). */
  function candidatesFor(leaf: ParsedCertificate, offered: ParsedCertificate[]): ParsedCertificate[] {
    const pool = [...offered, ...configuredIntermediates];
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

  async function chainIssuer(leaf: ParsedCertificate, offered: ParsedCertificate[], at: Date): Promise<ParsedCertificate> {
    const key = [leaf.sha256, ...offered.map((c) => c.sha256).sort()].join(',');
    const cached = paths.get(key);
    if (cached && cached.every((c) => validAt(c, at))) return cached[1]!;
    const candidates = candidatesFor(leaf, offered).map((c) => c.der);
    const path = (await identity.buildChain({ leaf: leaf.der, intermediates: candidates, anchors: anchorDers, at })).map((d, i) =>
      i === 0 ? leaf : issuerCache(d),
    );
    if (path.length < 2) throw new AppError('ERR_CERT_CHAIN_INVALID', { reason: 'the certificate is itself a trust anchor' });
    if (chainCacheSize > 0) {
      if (paths.size >= chainCacheSize) paths.clear();
      paths.set(key, path);
    }
    return path[1]!;
  }

  // The holder is a pure function of the certificate bytes; a full ASN.1 parse costs milliseconds.
  const holders = new Map<string, UziHolder>();
  function holderOf(cert: ParsedCertificate): UziHolder {
    const known = holders.get(cert.sha256);
    if (known) return { ...known };
    const holder = identity.parseUzi(cert.der);
    if (chainCacheSize > 0) {
      if (holders.size >= chainCacheSize) holders.clear();
      holders.set(cert.sha256, holder);
    }
    return { ...holder };
  }

  return { parsedFromBase64, chainIssuer, holderOf };
}
