// The card lab's deterministic TEST PKI. `loadCardLab()` returns every CA, card, key and CRL; the
// same seed always gives byte-identical output. Generation (RSA prime search) takes seconds, so the
// result is cached under `.tmp/card-lab/<seed>/`, keyed by seed and a hash of this folder's code, and
// written there as plain files (PEM/DER) for the CLI, SoftHSM2 imports and other processes.
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UziHolder } from '../../../src/shared/domain';
import type { ErrorCode } from '../../../src/shared/errors';
import {
  CA_DEFS,
  CARD_DEFS,
  ISSUING_CAS,
  KEY_ROLES,
  LAB_CARD_IDS,
  crlUrlOf,
  expectedHolder,
  uziOtherNameValue,
  type CaDef,
  type IssuingCaId,
  type LabCaId,
  type LabCardId,
} from './cards';
import {
  OID,
  caExtensions,
  caName,
  createCrl,
  holderExtensions,
  holderName,
  importSigningKey,
  issueCertificate,
  serialFor,
  toPem,
  type HolderCertUsage,
  type HolderName,
  type IssuerKey,
  type UziOtherNameSpec,
} from './issue';
import { deterministicRsaKey } from './rsa';

export {
  CARD_DEFS,
  ISSUING_CAS,
  KEY_ROLES,
  LAB_CARD_IDS,
  UZI_ATR,
  ZORGID_SMARTCARD_LAB_ATR,
  uziOtherNameValue,
  type LabCaId,
  type LabCardId,
  type LabKeyRole,
  type IssuingCaId,
  type UziFields,
} from './cards';
export { OID, type HolderCertUsage, type HolderName, type UziOtherNameSpec } from './issue';

export const DEFAULT_SEED = 'zorgid-card-lab';
/** A moment at which every "valid" lab card is valid (they run 2026-01-01 … 2029-01-01). */
export const LAB_VALID_AT = new Date('2026-06-01T00:00:00Z');
/** thisUpdate of the published lab CRLs; nextUpdate is ten years later so they never go stale in tests. */
export const LAB_CRL_THIS_UPDATE = new Date('2026-01-01T00:00:00Z');
/** CA keys are RSA-4096 as in reality; holder keys RSA-2048 (Z-4096's authentication key: 4096). */
export const CA_KEY_BITS = 4096;

export interface LabKey {
  /** CKA_ID as hex ('01' auth, '02' sign, '03' enc). */
  id: string;
  /** PIV slot holding this key on the virtual card (OpenSC maps 9A→01, 9C→02, 9D→03). */
  pivSlot: '9A' | '9C' | '9D';
  usage: 'authentication' | 'signing' | 'encryption';
  label: string;
  bits: number;
  certDer: Buffer;
  keyPkcs8Der: Buffer;
  /** SubjectPublicKeyInfo DER */
  spkiDer: Buffer;
  serialHex: string;
}

export interface LabCard {
  id: LabCardId;
  cardType: 'Z' | 'N' | 'M' | null;
  family: 'uzi' | 'zorgid-smartcard';
  /** Upper-case hex with spaces. */
  atr: string;
  /** null only for SC-blank (no certificates yet). */
  auth: LabKey | null;
  sign?: LabKey;
  enc?: LabKey;
  /** Issuer first, root (trust anchor) last. */
  chain: Buffer[];
  issuerCa: LabCaId | null;
  /** The holder the product must read from `auth` ({} when it must be refused by the parser). */
  expected: Partial<UziHolder>;
  /** The code the parser (`parse`) or chain verification (`chain`) must produce for `auth`. */
  expectedError: { parse?: ErrorCode; chain?: ErrorCode };
  /** The exact otherName 2.5.5.5 string in the certificates. */
  otherName: string | null;
  note: string;
}

export interface LabCa {
  id: LabCaId;
  commonName: string;
  parent: LabCaId | null;
  certDer: Buffer;
  keyPkcs8Der: Buffer;
  spkiDer: Buffer;
}

export interface KeyFilePaths {
  /** certificate PEM / DER */
  certPem: string;
  certDer: string;
  /** PKCS#8 private key PEM / DER */
  keyPem: string;
  keyDer: string;
}

export interface CardLabPaths {
  dir: string;
  /** TEST Zorg CSP Root CA G3 (the trust anchor), PEM. */
  root: string;
  ca: Record<LabCaId, KeyFilePaths>;
  cards: Record<LabCardId, { dir: string; auth?: KeyFilePaths; sign?: KeyFilePaths; enc?: KeyFilePaths; chainPem: string }>;
  /** Published CRL (DER) per issuing CA; `zorgverlener` lists Z-revoked. Plus `.pem` next to each. */
  crl: Record<IssuingCaId, string>;
}

export interface CardLabPki {
  seed: string;
  cards: Record<LabCardId, LabCard>;
  /** TEST Zorg CSP Root CA G3 DER: the trust anchor. */
  root: Buffer;
  /** Every CA certificate below the TEST root, DER (persoon, the three UZI CAs, smartcard). */
  intermediates: Buffer[];
  cas: Record<LabCaId, LabCa>;
  smartcardCa: LabCa;
  /** An unrelated self-signed root ("Unknown Root CA") that issued Z-unknown-ca. */
  unknownRoot: Buffer;
  /** Serials (hex) of Z-revoked's certificates, as listed on the default Zorgverlener CA CRL. */
  revokedSerials: string[];
  paths: CardLabPaths;
  /**
   * A CRL signed by an issuing CA (default the Zorgverlener CA) listing `revokedSerialHex`
   * (default: Z-revoked's certificates), thisUpdate `at` (default LAB_CRL_THIS_UPDATE), nextUpdate +10 years.
   */
  crl(revokedSerialHex?: string[], at?: Date, ca?: IssuingCaId): Promise<Buffer>;
  /** Issues an extra holder certificate with a lab CA (parser tests: odd otherNames, server certs, …). */
  issueHolderCertificate(spec: HolderCertificateRequest): Promise<Buffer>;
  /** A deterministic extra RSA key for `label` (same seed + label → same key). */
  deriveKey(label: string, bits?: 2048 | 4096): { keyPkcs8Der: Buffer; spkiDer: Buffer };
}

export interface HolderCertificateRequest {
  ca: LabCaId;
  spkiDer: Buffer;
  usage: HolderCertUsage;
  uzi: UziOtherNameSpec | null;
  upn?: string | null;
  holder: HolderName;
  /** Default: derived from the seed and the otherName/common name. */
  serialHex?: string;
  notBefore?: Date;
  notAfter?: Date;
  policy?: string;
}

export interface LoadOptions {
  seed?: string;
  /** Default `<repo>/.tmp/card-lab`; the lab lives in `<cacheDir>/<seed>/`. */
  cacheDir?: string;
  /** Ignore and overwrite the cache (tests of determinism). */
  regenerate?: boolean;
  /** Reuse this process's earlier load of the same folder (default true). */
  reuse?: boolean;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '../../..');
export const DEFAULT_CACHE_DIR = join(REPO_ROOT, '.tmp', 'card-lab');
// The files whose content decides the output (the reflect shim does not).
const CODE_FILES = ['index.ts', 'cards.ts', 'issue.ts', 'rsa.ts', 'drbg.ts'];

function seedDirName(seed: string): string {
  if (/^[A-Za-z0-9._-]{1,64}$/.test(seed)) return seed;
  return 'seed-' + createHash('sha256').update(seed).digest('hex').slice(0, 16);
}

/** Where loadCardLab writes (or wrote) every file for this seed. Pure: computes paths only. */
export function cardLabPaths(options: { seed?: string; cacheDir?: string } = {}): CardLabPaths {
  const seed = options.seed ?? DEFAULT_SEED;
  const dir = join(options.cacheDir ?? DEFAULT_CACHE_DIR, seedDirName(seed));
  const keyFiles = (base: string): KeyFilePaths => ({
    certPem: `${base}.pem`,
    certDer: `${base}.der`,
    keyPem: `${base}.key.pem`,
    keyDer: `${base}.key.der`,
  });
  const ca = Object.fromEntries(CA_DEFS.map((c) => [c.id, keyFiles(join(dir, 'ca', c.id))])) as Record<LabCaId, KeyFilePaths>;
  const cards = Object.fromEntries(
    LAB_CARD_IDS.map((id) => {
      const cdir = join(dir, 'cards', id);
      const entry: CardLabPaths['cards'][LabCardId] = { dir: cdir, chainPem: join(cdir, 'chain.pem') };
      for (const role of CARD_DEFS[id].keys) entry[role] = keyFiles(join(cdir, role));
      return [id, entry];
    }),
  ) as CardLabPaths['cards'];
  const crl = Object.fromEntries(ISSUING_CAS.map((c) => [c, join(dir, 'crl', `${c}.crl`)])) as Record<IssuingCaId, string>;
  return { dir, root: ca.root.certPem, ca, cards, crl };
}

function codeHash(): string {
  const h = createHash('sha256');
  for (const f of CODE_FILES) h.update(f).update(readFileSync(join(HERE, f)));
  return h.digest('hex');
}

// ---- generation -------------------------------------------------------------------------------

interface Bundle {
  seed: string;
  codeHash: string;
  cas: Record<LabCaId, LabCa>;
  cards: Record<LabCardId, LabCard>;
  revokedSerials: string[];
  crls: Record<IssuingCaId, Buffer>;
  generationMs: number;
}

function keyFor(seed: string, label: string, bits: 2048 | 4096) {
  return deterministicRsaKey(`${seed}/${label}`, bits);
}

interface KeyPair {
  pkcs8Der: Buffer;
  spkiDer: Buffer;
}

/**
 * The prime search is nearly all of the generation time, and it only depends on rsa.ts/drbg.ts and
 * the seed: keep the keys in their own cache so editing cards or certificate layout re-signs in
 * about a second instead of searching primes again.
 */
interface KeyCache {
  get(seed: string, label: string, bits: 2048 | 4096): KeyPair;
  save(): void;
}

function openKeyCache(file: string | null): KeyCache {
  const entries = new Map<string, string>();
  if (file && existsSync(file)) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)) entries.set(k, v);
    } catch {
      /* unreadable cache: regenerate */
    }
  }
  let dirty = false;
  return {
    get(seed, label, bits) {
      const id = `${bits}/${seed}/${label}`;
      const cached = entries.get(id);
      if (cached) {
        const pkcs8Der = Buffer.from(cached, 'base64');
        const spkiDer = createPublicKey(createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
        return { pkcs8Der, spkiDer };
      }
      const k = keyFor(seed, label, bits);
      entries.set(id, k.pkcs8Der.toString('base64'));
      dirty = true;
      return { pkcs8Der: k.pkcs8Der, spkiDer: k.spkiDer };
    },
    save() {
      if (!file || !dirty) return;
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(entries)));
      renameSync(tmp, file);
      dirty = false;
    },
  };
}

/** Where the RSA keys of a lab folder are cached (named by seed and a hash of rsa.ts + drbg.ts). */
export function keyCacheFile(paths: CardLabPaths): string {
  const h = createHash('sha256');
  for (const f of ['rsa.ts', 'drbg.ts']) h.update(f).update(readFileSync(join(HERE, f)));
  return join(dirname(paths.dir), 'keys', `${basename(paths.dir)}-${h.digest('hex').slice(0, 16)}.json`);
}

const issuerKeys = new WeakMap<LabCa, Promise<IssuerKey>>();

function issuerKeyOf(ca: LabCa): Promise<IssuerKey> {
  let key = issuerKeys.get(ca);
  if (!key) {
    const def = CA_DEFS.find((c) => c.id === ca.id)!;
    key = importSigningKey(ca.keyPkcs8Der).then((signingKey) => ({ name: caName(def.commonName), spkiDer: ca.spkiDer, signingKey }));
    issuerKeys.set(ca, key);
  }
  return key;
}

async function generate(seed: string, hash: string, keys: KeyCache): Promise<Bundle> {
  const started = performance.now();
  const cas = {} as Record<LabCaId, LabCa>;
  for (const def of CA_DEFS) cas[def.id] = await generateCa(seed, def, cas, keys);

  const cards = {} as Record<LabCardId, LabCard>;
  for (const id of LAB_CARD_IDS) cards[id] = await generateCard(seed, id, cas, keys);
  keys.save();

  const revoked = cards['Z-revoked'];
  const revokedSerials = (['auth', 'sign', 'enc'] as const).flatMap((r) => (revoked[r] ? [revoked[r].serialHex] : []));
  const crls = {} as Record<IssuingCaId, Buffer>;
  for (const ca of ISSUING_CAS) {
    crls[ca] = await makeCrl(cas[ca], ca === 'zorgverlener' ? revokedSerials : [], LAB_CRL_THIS_UPDATE);
  }
  return { seed, codeHash: hash, cas, cards, revokedSerials, crls, generationMs: performance.now() - started };
}

async function generateCa(seed: string, def: CaDef, done: Partial<Record<LabCaId, LabCa>>, keys: KeyCache): Promise<LabCa> {
  const key = keys.get(seed, `ca/${def.id}`, CA_KEY_BITS);
  const name = caName(def.commonName);
  const parent = def.parent ? done[def.parent] : undefined;
  if (def.parent && !parent) throw new Error(`CA ${def.id} defined before its parent ${def.parent}`);
  const issuer: IssuerKey = parent
    ? await issuerKeyOf(parent)
    : { name, spkiDer: key.spkiDer, signingKey: await importSigningKey(key.pkcs8Der) };
  const certDer = await issueCertificate({
    issuer,
    subject: name,
    subjectSpkiDer: key.spkiDer,
    serialHex: serialFor(seed, `ca/${def.id}`),
    notBefore: def.notBefore,
    notAfter: def.notAfter,
    extensions: caExtensions({
      pathLength: def.parent === null ? undefined : def.id === 'persoon' ? 1 : 0,
      crlUrl: def.crlUrl ?? undefined,
    }),
  });
  return { id: def.id, commonName: def.commonName, parent: def.parent, certDer, keyPkcs8Der: key.pkcs8Der, spkiDer: key.spkiDer };
}

function chainOf(ca: LabCaId, cas: Record<LabCaId, LabCa>): Buffer[] {
  const out: Buffer[] = [];
  for (let c: LabCaId | null = ca; c; c = cas[c].parent) out.push(cas[c].certDer);
  return out;
}

async function generateCard(seed: string, id: LabCardId, cas: Record<LabCaId, LabCa>, keys: KeyCache): Promise<LabCard> {
  const def = CARD_DEFS[id];
  const otherName = def.rawOtherName ?? (def.uzi ? uziOtherNameValue(def.uzi) : null);
  const card: LabCard = {
    id,
    cardType: def.cardType === 'S' ? null : def.cardType,
    family: def.family,
    atr: def.atr,
    auth: null,
    chain: def.issuer ? chainOf(def.issuer, cas) : [],
    issuerCa: def.issuer,
    expected: expectedHolder(def),
    expectedError: def.expectedError ?? {},
    otherName,
    note: def.note,
  };
  if (!def.issuer || !def.holder || !def.uzi) return card;
  const issuer = await issuerKeyOf(cas[def.issuer]);
  for (const role of def.keys) {
    const meta = KEY_ROLES[role];
    const bits = role === 'auth' ? def.authBits : 2048;
    const key = keys.get(seed, `card/${id}/${role}`, bits);
    const serialHex = serialFor(seed, `card/${id}/${role}`);
    const certDer = await issueCertificate({
      issuer,
      subject: holderName({ ...def.holder, serialNumber: def.uzi.uziNumber }),
      subjectSpkiDer: key.spkiDer,
      serialHex,
      notBefore: def.notBefore,
      notAfter: def.notAfter,
      extensions: holderExtensions({
        usage: meta.usage,
        uzi: otherName === null ? null : { value: otherName },
        upn: role === 'auth' ? `${def.uzi.uziNumber}@${def.uzi.ura}` : null,
        policy: meta.policy,
        crlUrl: crlUrlOf(def.issuer),
        ocspUrl: 'http://ocsp.card-lab.test',
      }),
    });
    card[role] = {
      id: meta.ckaId,
      pivSlot: meta.pivSlot,
      usage: meta.usage,
      label: meta.label,
      bits,
      certDer,
      keyPkcs8Der: key.pkcs8Der,
      spkiDer: key.spkiDer,
      serialHex,
    };
  }
  return card;
}

async function makeCrl(ca: LabCa, serials: string[], at: Date): Promise<Buffer> {
  const nextUpdate = new Date(at);
  nextUpdate.setUTCFullYear(nextUpdate.getUTCFullYear() + 10);
  return createCrl({
    issuer: await issuerKeyOf(ca),
    thisUpdate: at,
    nextUpdate,
    revoked: serials.map((serialHex) => ({ serialHex, date: at })),
  });
}

// ---- cache ------------------------------------------------------------------------------------

interface SerializedBundle {
  seed: string;
  codeHash: string;
  generationMs: number;
  revokedSerials: string[];
  cas: Record<string, Omit<LabCa, 'certDer' | 'keyPkcs8Der' | 'spkiDer'> & { certDer: string; keyPkcs8Der: string; spkiDer: string }>;
  cards: Record<string, unknown>;
  crls: Record<string, string>;
}

/** JSON with every Buffer as {"$b64": …}, so the whole lab loads from one file. */
function encodeBuffers(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return { $b64: v.toString('base64') };
  if (Array.isArray(v)) return v.map(encodeBuffers);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeBuffers(x)]));
  return v;
}

function decodeBuffers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeBuffers);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$b64 === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$b64, 'base64');
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeBuffers(x)]));
  }
  return v;
}

function writeBundle(bundle: Bundle, paths: CardLabPaths): void {
  const tmp = `${paths.dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const at = (p: string) => join(tmp, p.slice(paths.dir.length + 1));
  const put = (p: string, data: string | Buffer) => {
    const target = at(p);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  };
  const putKey = (files: KeyFilePaths, certDer: Buffer, keyDer: Buffer) => {
    put(files.certPem, toPem(certDer, 'CERTIFICATE'));
    put(files.certDer, certDer);
    put(files.keyPem, toPem(keyDer, 'PRIVATE KEY'));
    put(files.keyDer, keyDer);
  };
  for (const ca of Object.values(bundle.cas)) putKey(paths.ca[ca.id], ca.certDer, ca.keyPkcs8Der);
  for (const card of Object.values(bundle.cards)) {
    const cp = paths.cards[card.id];
    for (const role of ['auth', 'sign', 'enc'] as const) {
      const k = card[role];
      const files = cp[role];
      if (k && files) putKey(files, k.certDer, k.keyPkcs8Der);
    }
    put(cp.chainPem, card.chain.map((c) => toPem(c, 'CERTIFICATE')).join(''));
    put(join(cp.dir, 'card.json'), JSON.stringify({ id: card.id, atr: card.atr, cardType: card.cardType, family: card.family, otherName: card.otherName, expected: card.expected, expectedError: card.expectedError, note: card.note }, null, 2) + '\n');
  }
  for (const ca of ISSUING_CAS) {
    put(paths.crl[ca], bundle.crls[ca]);
    put(`${paths.crl[ca]}.pem`, toPem(bundle.crls[ca], 'X509 CRL'));
  }
  put(join(paths.dir, 'bundle.json'), JSON.stringify(encodeBuffers(bundle)));
  mkdirSync(dirname(paths.dir), { recursive: true });
  // Swap the finished folder in whole, so a reader never sees half a lab; if another process won the
  // race with the same code and seed, its output is byte-identical and ours is dropped.
  if (existsSync(paths.dir)) {
    const old = `${paths.dir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(paths.dir, old);
      rmSync(old, { recursive: true, force: true });
    } catch {
      /* someone else moved it */
    }
  }
  try {
    renameSync(tmp, paths.dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  pruneStale(dirname(paths.dir));
}

/** Leftover temp folders of crashed generators. */
function pruneStale(cacheDir: string): void {
  for (const name of readdirSync(cacheDir)) {
    const m = /\.(?:tmp|old)-(\d+)-[0-9a-f]{8}$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
}

function readBundle(paths: CardLabPaths, hash: string): Bundle | null {
  const file = join(paths.dir, 'bundle.json');
  if (!existsSync(file)) return null;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as SerializedBundle;
    if (raw.codeHash !== hash) return null;
    return decodeBuffers(raw) as Bundle;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOCK_WAIT_MS = 180_000;

async function withGenerationLock(paths: CardLabPaths, ready: () => Bundle | null, make: () => Promise<Bundle>): Promise<Bundle> {
  const lock = `${paths.dir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let fd: number | null = null;
    try {
      fd = openSync(lock, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (fd !== null) {
      try {
        writeSync(fd, String(process.pid));
        closeSync(fd);
        // Someone may have finished between our cache read and taking the lock.
        return ready() ?? (await make());
      } finally {
        rmSync(lock, { force: true });
      }
    }
    const done = ready();
    if (done) return done;
    let holder = NaN;
    try {
      holder = Number(readFileSync(lock, 'utf8'));
    } catch {
      continue; // released just now
    }
    if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`card lab: gave up waiting for ${lock} (held by pid ${holder})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---- public entry ------------------------------------------------------------------------------

/** Statistics of the last load in this process (for benchmarks and the report). */
export const lastLoad = { fromCache: false, ms: 0, generationMs: 0 };

const inProcess = new Map<string, Promise<CardLabPki>>();

export async function loadCardLab(options: LoadOptions = {}): Promise<CardLabPki> {
  const seed = options.seed ?? DEFAULT_SEED;
  const paths = cardLabPaths({ seed, cacheDir: options.cacheDir });
  const memoKey = paths.dir;
  if (!options.regenerate && options.reuse !== false) {
    const memo = inProcess.get(memoKey);
    if (memo) return memo;
  }
  const p = (async () => {
    const started = performance.now();
    const hash = codeHash();
    let bundle = options.regenerate ? null : readBundle(paths, hash);
    lastLoad.fromCache = bundle !== null;
    if (!bundle && !options.regenerate) {
      // Parallel test workers all start with a stale cache after a PKI change: one generates, the
      // others wait for its result instead of burning the two cores on the same 15 s of prime search.
      bundle = await withGenerationLock(paths, () => readBundle(paths, hash), async () => {
        const b = await generate(seed, hash, openKeyCache(keyCacheFile(paths)));
        writeBundle(b, paths);
        return b;
      });
    } else if (!bundle) {
      // regenerate: everything from the seed, key cache included, to prove determinism.
      bundle = await generate(seed, hash, openKeyCache(null));
      writeBundle(bundle, paths);
    }
    lastLoad.generationMs = bundle.generationMs;
    lastLoad.ms = performance.now() - started;
    return toPki(bundle, paths);
  })();
  inProcess.set(memoKey, p);
  p.catch(() => inProcess.delete(memoKey));
  return p;
}

function toPki(bundle: Bundle, paths: CardLabPaths): CardLabPki {
  const { cas, seed } = bundle;
  return {
    seed,
    cards: bundle.cards,
    root: cas.root.certDer,
    intermediates: (['persoon', 'zorgverlener', 'medewerker-op-naam', 'medewerker-niet-op-naam', 'smartcard'] as const).map((c) => cas[c].certDer),
    cas,
    smartcardCa: cas.smartcard,
    unknownRoot: cas['unknown-root'].certDer,
    revokedSerials: bundle.revokedSerials,
    paths,
    crl: (revoked = bundle.revokedSerials, at = LAB_CRL_THIS_UPDATE, ca = 'zorgverlener') => makeCrl(cas[ca], revoked, at),
    issueHolderCertificate: async (req) => {
      const def = CA_DEFS.find((c) => c.id === req.ca)!;
      const label = `extra/${req.ca}/${req.uzi?.value ?? ''}/${req.holder.commonName}/${req.usage}`;
      return issueCertificate({
        issuer: await issuerKeyOf(cas[req.ca]),
        subject: holderName(req.holder),
        subjectSpkiDer: req.spkiDer,
        serialHex: req.serialHex ?? serialFor(seed, label),
        notBefore: req.notBefore ?? new Date('2026-01-01T00:00:00Z'),
        notAfter: req.notAfter ?? new Date('2029-01-01T00:00:00Z'),
        extensions: holderExtensions({
          usage: req.usage,
          uzi: req.uzi,
          upn: req.upn ?? null,
          policy: req.policy ?? (req.usage === 'signing' ? OID.testPolicySign : req.usage === 'encryption' ? OID.testPolicyEnc : OID.testPolicyAuth),
          crlUrl: crlUrlOf(def.id),
        }),
      });
    },
    deriveKey: (label, bits = 2048) => {
      const k = keyFor(seed, `extra/${label}`, bits);
      return { keyPkcs8Der: k.pkcs8Der, spkiDer: k.spkiDer };
    },
  };
}
