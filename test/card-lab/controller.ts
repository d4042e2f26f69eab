// One card-lab API for tests and the demo: which card sits in which vpcd reader, its PIN counter,
// a hanging or slow card, and the CRL. Cards come from the test PKI (`./pki`) by id ('Z-huisarts');
// pass `pki: 'throwaway'` for self-tests that must not depend on it.
import { PivApplet, UZI_ATR, type PivKeyRef, type PivKeySlot } from './piv-applet';
import { VpcdLink } from './vpcd-link';
import { VPCD_READERS } from './pcscd';
import { throwawayCredential } from './throwaway-card';

/** PIN of every lab card (the PKI defines keys, not PINs). */
export const LAB_PIN = '123456';
export const LAB_PIN_TRIES = 3;

export interface LabKeyMaterial {
  certDer: Buffer;
  keyPkcs8Der: Buffer;
}

/** What the lab needs of a card; `LabCard` from ./pki fits it. */
export interface LabCardMaterial {
  id: string;
  /** hex, spaces allowed */
  atr: string;
  auth: LabKeyMaterial | null;
  sign?: LabKeyMaterial;
  enc?: LabKeyMaterial;
}

/** What the lab needs of the PKI; `CardLabPki` from ./pki fits it. */
export interface LabPkiSource {
  cards: Record<string, LabCardMaterial>;
  revokedSerials?: string[];
  crl?(revokedSerialHex?: string[], at?: Date, ca?: string): Promise<Buffer>;
}

export interface StartCardLabOptions {
  /** default: `loadCardLab()` from ./pki; 'throwaway': self-signed throwaway cards, no CRL */
  pki?: LabPkiSource | 'throwaway';
  /** delay before every APDU answer on every reader (ms) */
  apduDelayMs?: number;
}

export interface ReaderOption {
  /** 0 = 'Virtual PCD 00 00' (TCP 35963), 1 = 'Virtual PCD 00 01' (TCP 35964) */
  reader?: number;
}

export interface InsertOptions extends ReaderOption {
  pin?: string;
  pinTries?: number;
  /** overrides the card's ATR (hex) — e.g. an unknown ATR with a working token */
  atr?: string;
  /** resolve only once pcscd has asked for the ATR, i.e. has seen the card (default true) */
  waitForPcscd?: boolean;
  timeoutMs?: number;
}

export interface InsertedCard {
  reader: number;
  readerName: string;
  cardId: string;
  applet: PivApplet;
  link: VpcdLink;
  insertedAt: number;
}

export interface CardLab {
  readonly pki: LabPkiSource | undefined;
  insert(card: string | LabCardMaterial, options?: InsertOptions): Promise<InsertedCard>;
  remove(options?: ReaderOption): Promise<void>;
  /** the card in a reader, if any */
  card(options?: ReaderOption): InsertedCard | undefined;
  setPinTries(n: number, options?: ReaderOption): void;
  pinTriesLeft(options?: ReaderOption): number | undefined;
  /** the card stops answering APDUs (until `hang(false)` or removal) */
  hang(options?: ReaderOption & { on?: boolean }): void;
  /** delay per APDU; without a reader: every current and future card */
  setApduDelay(ms: number, options?: ReaderOption): void;
  /** APDUs answered by the card in a reader since insertion */
  apduCount(options?: ReaderOption): number;
  readerName(reader: number): string;
  crl: {
    /** adds a serial (hex) to the CRL of `ca` (default the Zorgverlener CA) */
    revoke(serialHex: string, ca?: string): void;
    revoked(ca?: string): string[];
    /** the current CRL (DER), signed by the PKI */
    der(ca?: string): Promise<Buffer>;
  };
  close(): Promise<void>;
}

function atrBytes(hex: string): Buffer {
  return Buffer.from(hex.replace(/[\s:]/g, ''), 'hex');
}

async function loadDefaultPki(): Promise<LabPkiSource> {
  const { loadCardLab } = await import('./pki');
  return loadCardLab();
}

export async function startCardLab(options: StartCardLabOptions = {}): Promise<CardLab> {
  const pki = options.pki === 'throwaway' ? undefined : (options.pki ?? (await loadDefaultPki()));
  const throwaway = new Map<string, Promise<LabCardMaterial>>();
  const slots = new Map<number, InsertedCard>();
  const extraRevoked = new Map<string, Set<string>>();
  let defaultDelay = options.apduDelayMs ?? 0;

  const readerIndex = (o?: ReaderOption) => {
    const r = o?.reader ?? 0;
    if (!Number.isInteger(r) || r < 0 || r >= VPCD_READERS.length) throw new Error(`no vpcd reader ${r}`);
    return r;
  };

  const material = async (card: string | LabCardMaterial): Promise<LabCardMaterial> => {
    if (typeof card !== 'string') return card;
    if (pki) {
      const m = pki.cards[card];
      if (!m) throw new Error(`unknown lab card '${card}' (known: ${Object.keys(pki.cards).join(', ')})`);
      return m;
    }
    let p = throwaway.get(card);
    if (!p) {
      p = throwawayCredential(card).then((c) => ({ id: card, atr: UZI_ATR.toString('hex'), auth: c }));
      throwaway.set(card, p);
    }
    return p;
  };

  const remove = async (o?: ReaderOption) => {
    const r = readerIndex(o);
    const slot = slots.get(r);
    if (!slot) return;
    slots.delete(r);
    // Un-hang first so the applet's pending promise does not outlive the card.
    slot.applet.hang(false);
    await slot.link.pull();
  };

  const slotOf = (o?: ReaderOption) => {
    const slot = slots.get(readerIndex(o));
    if (!slot) throw new Error(`no card in ${VPCD_READERS[readerIndex(o)]}`);
    return slot;
  };

  const lab: CardLab = {
    pki,
    async insert(card, o = {}) {
      const reader = readerIndex(o);
      const m = await material(card);
      await remove({ reader });
      const keys: Partial<Record<PivKeyRef, PivKeySlot>> = {};
      const slotKey = (k: LabKeyMaterial): PivKeySlot => ({ certDer: k.certDer, privateKey: k.keyPkcs8Der });
      if (m.auth) keys['9A'] = slotKey(m.auth);
      if (m.sign) keys['9C'] = slotKey(m.sign);
      if (m.enc) keys['9D'] = slotKey(m.enc);
      const applet = new PivApplet({
        atr: atrBytes(o.atr ?? m.atr),
        pin: o.pin ?? LAB_PIN,
        pinTries: o.pinTries ?? LAB_PIN_TRIES,
        keys,
        apduDelayMs: defaultDelay,
      });
      const link = new VpcdLink(applet, { reader });
      // A vpcd socket error (pcscd stopped) must not crash the test process; it shows as a pull.
      link.on('error', () => undefined);
      link.on('close', () => {
        if (slots.get(reader)?.link === link) slots.delete(reader);
      });
      const inserted: InsertedCard = { reader, readerName: VPCD_READERS[reader]!, cardId: m.id, applet, link, insertedAt: 0 };
      slots.set(reader, inserted);
      try {
        await link.insert({ waitForAtr: o.waitForPcscd ?? true, timeoutMs: o.timeoutMs ?? 5000 });
      } catch (e) {
        slots.delete(reader);
        await link.pull();
        throw e;
      }
      inserted.insertedAt = performance.now();
      return inserted;
    },
    remove,
    card: (o) => slots.get(readerIndex(o)),
    setPinTries: (n, o) => slotOf(o).applet.setPinTries(n),
    pinTriesLeft: (o) => slots.get(readerIndex(o))?.applet.pinTriesLeft,
    hang: (o) => slotOf(o).applet.hang(o?.on ?? true),
    setApduDelay(ms, o) {
      if (o?.reader === undefined) {
        defaultDelay = ms;
        for (const s of slots.values()) s.applet.apduDelayMs = ms;
      } else {
        slotOf(o).applet.apduDelayMs = ms;
      }
    },
    apduCount: (o) => slots.get(readerIndex(o))?.applet.apduCount ?? 0,
    readerName(reader) {
      const name = VPCD_READERS[reader];
      if (!name) throw new Error(`no vpcd reader ${reader}`);
      return name;
    },
    crl: {
      revoke(serialHex, ca = 'zorgverlener') {
        const set = extraRevoked.get(ca) ?? new Set<string>();
        set.add(serialHex.toLowerCase());
        extraRevoked.set(ca, set);
      },
      revoked(ca = 'zorgverlener') {
        const base = ca === 'zorgverlener' ? (pki?.revokedSerials ?? []) : [];
        return [...new Set([...base.map((s) => s.toLowerCase()), ...(extraRevoked.get(ca) ?? [])])];
      },
      async der(ca = 'zorgverlener') {
        if (!pki?.crl) throw new Error('this card lab has no PKI to sign a CRL (started with pki: throwaway)');
        return pki.crl(lab.crl.revoked(ca), undefined, ca);
      },
    },
    async close() {
      for (const r of [...slots.keys()]) await remove({ reader: r });
    },
  };
  return lab;
}
