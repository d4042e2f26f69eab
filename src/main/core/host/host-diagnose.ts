// The card host's part of the diagnostics report (issue 14): PC/SC, readers and ATRs, and per PKCS#11
// module what was tried, what loaded, its C_GetInfo, slots, tokens and certificate facts. Runs in the
// card host, where every PC/SC and PKCS#11 call lives.
import { X509Certificate } from 'node:crypto';
import { resolveModulePath } from '../../../../native/pkcs11-modules';
import { moduleCandidates } from '../../../../native/pkcs11-modules';
import { existsSync } from 'node:fs';
import type { CertificateSummary, ReaderState } from '../../../shared/domain';
import { serializeError } from '../../../shared/errors';
import { readerOfToken } from '../card/card-backend';
import { parseUziCertificate } from '@zorgid/uzi';
import {
  recogniseCard,
  scrubLabel,
  type CertificateFacts,
  type HostDiagnosis,
  type ModuleDiagnosis,
  type ModuleInfo,
  type TokenInfo,
} from '../diagnostics/host-diagnosis';

export interface DiagnosableSource {
  role: 'uzi' | 'smartcard';
  configured: string | null;
  candidates: readonly string[] | undefined;
  diagnose(): Promise<ModuleInfo>;
  readCertificates(slotId: string): Promise<CertificateSummary[]>;
}

export interface HostDiagnoseDeps {
  pcsc: boolean;
  readers: () => Promise<ReaderState[]>;
  sources: readonly DiagnosableSource[];
  exists?: (path: string) => boolean;
}

/** Only what the report may show of a certificate; the holder strings come back for masking labels. */
export function certificateFactsOf(summary: CertificateSummary): { facts: CertificateFacts; holderStrings: string[] } | null {
  const der = Buffer.from(summary.der, 'base64');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    return null;
  }
  let pastype: CertificateFacts['pastype'] = null;
  const holderStrings: string[] = [cert.serialNumber, cert.serialNumber.toLowerCase()];
  try {
    const h = parseUziCertificate(der);
    pastype = h.cardType;
    holderStrings.push(...[h.uziNumber, h.agb, h.ura, h.givenName, h.surname, h.commonName, h.organisation, h.subjectSerialNumber].filter((s): s is string => Boolean(s)));
  } catch {
    // Not an UZI certificate (a ZORG-ID Smartcard, or anything else): no pastype.
  }
  // Subject RDN values are the holder's; the issuer's CN is the CA's.
  for (const line of cert.subject.split('\n')) {
    const value = line.slice(line.indexOf('=') + 1);
    if (value) holderStrings.push(value);
  }
  const issuer = /(?:^|\n)CN=([^\n]+)/.exec(cert.issuer)?.[1] ?? '';
  const details = cert.publicKey.asymmetricKeyDetails;
  return {
    facts: {
      usage: summary.usage,
      pastype,
      keyType: (cert.publicKey.asymmetricKeyType ?? 'unknown').toUpperCase(),
      keyBits: details?.modulusLength ?? summary.keyBits ?? null,
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: new Date(cert.validTo).toISOString(),
      issuer,
    },
    holderStrings,
  };
}

async function diagnoseSource(source: DiagnosableSource, exists: (p: string) => boolean): Promise<ModuleDiagnosis> {
  const candidates = source.candidates ?? moduleCandidates();
  const tried = source.configured ? [{ path: source.configured, exists: exists(source.configured) }] : candidates.map((path) => ({ path, exists: exists(path) }));
  const resolved = resolveModulePath(source.configured, candidates, exists);
  const base = { role: source.role, configured: source.configured, tried, resolved };
  let info: ModuleInfo;
  try {
    info = await source.diagnose();
  } catch (e) {
    return { ...base, loaded: false, error: serializeError(e).code, info: null };
  }
  for (const slot of info.slots) {
    if (!slot.token) continue;
    const holderStrings: string[] = [];
    const certs = await source.readCertificates(slot.slotId).catch(() => [] as CertificateSummary[]);
    for (const c of certs) {
      const found = certificateFactsOf(c);
      if (!found) continue;
      slot.token.certificates.push(found.facts);
      holderStrings.push(...found.holderStrings);
    }
    slot.token.label = scrubLabel(slot.token.label, holderStrings);
    slot.description = scrubLabel(slot.description, holderStrings);
  }
  return { ...base, loaded: true, error: null, info };
}

export async function diagnoseHost(deps: HostDiagnoseDeps): Promise<HostDiagnosis> {
  const exists = deps.exists ?? existsSync;
  let readers: ReaderState[] = [];
  let pcsc: HostDiagnosis['pcsc'] = { enabled: deps.pcsc, reachable: false, error: null };
  if (deps.pcsc) {
    try {
      readers = await deps.readers();
      pcsc = { enabled: true, reachable: true, error: null };
    } catch (e) {
      pcsc = { enabled: true, reachable: false, error: serializeError(e).code };
    }
  }
  const modules: ModuleDiagnosis[] = [];
  for (const source of deps.sources) modules.push(await diagnoseSource(source, exists));
  const names = readers.map((r) => r.name);
  const tokens = modules.flatMap((m) => m.info?.slots ?? []).filter((s) => s.token);
  // As matchSlot (card-backend.ts): a ZORG-ID Smartcard is the token labelled with its reader (a
  // readerless module bound to it); any other card is the slot whose description names the reader.
  const tokenIn = (reader: string, family: ReaderState['family']): TokenInfo | null => {
    const labelled = tokens.find((s) => s.token!.label === reader);
    const described = tokens.find((s) => readerOfToken({ description: s.description, tokenLabel: '' }, names) === reader);
    return (family === 'zorgid-smartcard' ? (labelled ?? described) : (described ?? labelled))?.token ?? null;
  };
  return {
    pcsc,
    readers: readers.map((r) => ({
      name: r.name,
      present: r.present,
      atr: r.atr,
      family: r.family,
      recognised: r.present ? recogniseCard(r.family, tokenIn(r.name, r.family)) : null,
    })),
    modules,
  };
}
