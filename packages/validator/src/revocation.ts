// Revocation status from configured CRLs (parsed once, signature-checked once per issuer, cached) with
// an optional OCSP query behind a hard timeout. "Unknown" is a status of its own: the validator
// refuses it (handoff-protocol.md §5 step 6) rather than failing open.
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { crlIssuerKey, serialToHex, signatureVerifies, type ParsedCertificate } from './certificate';

export type RevocationStatus = 'good' | 'revoked' | 'unknown';

/** Where CRLs come from: configuration files, or a vendor's own download job. Never fetched by us. */
export interface CrlSource {
  load(): Promise<Uint8Array[]> | Uint8Array[];
}

export type OcspQuery = (input: {
  url: string;
  certificate: Uint8Array;
  issuer: Uint8Array;
  signal: AbortSignal;
}) => Promise<RevocationStatus>;

export interface OcspConfig {
  url: string;
  /** Default 5000 ms (handoff-protocol.md §5 step 6). */
  timeoutMs?: number;
  /** The transport: `httpOcspQuery()` from ./ocsp-http, or your own (docs/handoff-protocol.md, "OCSP over HTTP"). */
  query: OcspQuery;
}

export interface RevocationCheckerOptions {
  crls: CrlSource | Uint8Array[];
  /** How long a loaded set of CRLs is used before `load()` is asked again. Default 1 hour. */
  reloadAfterMs?: number;
  ocsp?: OcspConfig;
  clock: () => number;
}

interface CachedCrl {
  issuerKey: string;
  thisUpdate: number;
  nextUpdate: number | null;
  /** serial hex → revocation time */
  revoked: Map<string, number>;
  tbs: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm: string;
  /** issuer certificate sha256 → did the CRL's signature verify with its key? */
  verifiedBy: Map<string, boolean>;
}

export interface RevocationChecker {
  status(certificate: ParsedCertificate, issuer: ParsedCertificate, at: Date): Promise<RevocationStatus>;
  /** Drops the cache (call after publishing new CRLs). */
  reload(): void;
}

function parseCrl(der: Uint8Array): CachedCrl | null {
  try {
    const asn = AsnConvert.parse(new Uint8Array(der), CertificateList);
    if (!asn.tbsCertListRaw) return null;
    const tbs = asn.tbsCertList;
    return {
      issuerKey: crlIssuerKey(new Uint8Array(der)),
      thisUpdate: tbs.thisUpdate.getTime().getTime(),
      nextUpdate: tbs.nextUpdate ? tbs.nextUpdate.getTime().getTime() : null,
      revoked: new Map((tbs.revokedCertificates ?? []).map((r) => [serialToHex(new Uint8Array(r.userCertificate)), r.revocationDate.getTime().getTime()])),
      tbs: new Uint8Array(asn.tbsCertListRaw),
      signature: new Uint8Array(asn.signature),
      signatureAlgorithm: asn.signatureAlgorithm.algorithm,
      verifiedBy: new Map(),
    };
  } catch {
    // A broken CRL file must not hide the good ones; its issuer then reads as "unknown".
    return null;
  }
}

export function createRevocationChecker(options: RevocationCheckerOptions): RevocationChecker {
  const configured = options.crls;
  const source: CrlSource = Array.isArray(configured) ? { load: () => configured } : configured;
  const reloadAfterMs = options.reloadAfterMs ?? 60 * 60 * 1000;
  let cache: { loadedAt: number; crls: CachedCrl[] } | null = null;
  let loading: Promise<CachedCrl[]> | null = null;

  async function current(): Promise<CachedCrl[]> {
    if (cache && options.clock() - cache.loadedAt < reloadAfterMs) return cache.crls;
    // One load at a time, however many tokens arrive together.
    loading ??= (async () => {
      try {
        const crls = (await source.load()).map(parseCrl).filter((c): c is CachedCrl => c !== null);
        cache = { loadedAt: options.clock(), crls };
        return crls;
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  async function fromCrl(certificate: ParsedCertificate, issuer: ParsedCertificate, at: number): Promise<RevocationStatus> {
    for (const crl of await current()) {
      if (crl.issuerKey !== certificate.issuerKey || crl.thisUpdate > at) continue;
      // A CRL past its nextUpdate says nothing about today.
      if (crl.nextUpdate === null || crl.nextUpdate < at) continue;
      let verified = crl.verifiedBy.get(issuer.sha256);
      if (verified === undefined) {
        verified = signatureVerifies(crl, issuer.publicKey);
        crl.verifiedBy.set(issuer.sha256, verified);
      }
      if (!verified) continue;
      const revokedAt = crl.revoked.get(certificate.serialHex);
      return revokedAt !== undefined && revokedAt <= at ? 'revoked' : 'good';
    }
    return 'unknown';
  }

  async function fromOcsp(certificate: ParsedCertificate, issuer: ParsedCertificate): Promise<RevocationStatus> {
    const ocsp = options.ocsp;
    if (!ocsp) return 'unknown';
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<RevocationStatus>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve('unknown');
      }, ocsp.timeoutMs ?? 5000);
    });
    try {
      const answer = ocsp
        .query({ url: ocsp.url, certificate: certificate.der, issuer: issuer.der, signal: controller.signal })
        .catch((): RevocationStatus => 'unknown');
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async status(certificate, issuer, at) {
      const crlStatus = await fromCrl(certificate, issuer, at.getTime());
      return crlStatus !== 'unknown' ? crlStatus : fromOcsp(certificate, issuer);
    },
    reload() {
      cache = null;
    },
  };
}
