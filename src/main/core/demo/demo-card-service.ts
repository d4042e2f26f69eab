// The in-process demo card: a CardService with two demo readers, used by `npm start` when pcscd + vpcd
// are not available. It behaves like a card where the screen can tell: reads take time, a pull during
// a read fails the read, the PIN has three tries and then blocks, signatures are real RSA signatures
// (Node crypto) with the card's private key.
import { constants, privateEncrypt, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { DEFAULT_DEMO_SCENARIO, type DemoCardKey, type DemoScenario } from '../../../shared/channels';

import type { CardEvent, CardFamily, CardReading, CertificateSummary, PinStatus, ReaderState, UziHolder } from '../../../shared/domain';
import { AppError, type SerializedError } from '../../../shared/errors';
import { lookupAtr } from '../card/atr-table';
import type { CardService, SignRequest } from '../card/card-port';

export interface DemoCard {
  key: DemoCardKey;
  /** "3B FD 18 …" */
  atr: string;
  tokenLabel: string;
  tokenSerial: string;
  certificates: CertificateSummary[];
  authCertificateId: string | null;
  holder: UziHolder | null;
  holderError: SerializedError | null;
  /** Private keys by CKA_ID (hex); they never leave this module. */
  keys: Map<string, KeyObject>;
  /** The PIN the card accepts. */
  pin: string;
}

export interface DemoControls {
  /** The card lab's controls are async (a virtual card connects to vpcd); the in-process ones are not. */
  /**
   * `fresh`: a new card out of the box rather than the one last pulled from this reader — matters for
   * the card lab's blank ZORG-ID Smartcard, which keeps what a creation left on it (the in-process
   * demo's cards are always fresh).
   */
  insert(card: DemoCardKey, readerIndex?: number, options?: { fresh?: boolean }): void | Promise<void>;
  remove(readerIndex?: number): void | Promise<void>;
  scenario(patch: Partial<DemoScenario>): DemoScenario;
  cards(): DemoCardKey[];
}

export type DemoCardService = CardService & DemoControls;

export interface DemoDeps {
  cards: DemoCard[];
  clock: () => number;
  /** How long a read takes (a real UZI-pas through SafeSign: 1–2 s). */
  readDelayMs?: number;
  readerNames?: readonly [string, string];
  /** Timers are a parameter so tests can run without waiting. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEMO_READER_NAMES = ['ZORG-ID Demo-lezer 1', 'ZORG-ID Demo-lezer 2'] as const;
const MAX_PIN_TRIES = 3;

interface Slot {
  name: string;
  card: DemoCard | null;
  /** Bumped on every insert/remove so a read can tell its card was pulled meanwhile. */
  generation: number;
}

function pinStatusOf(left: number): PinStatus {
  return { countLow: left < MAX_PIN_TRIES, finalTry: left === 1, locked: left === 0, pinpad: false, minLength: 6, maxLength: 8 };
}

function validityAt(holder: UziHolder | null, now: number): CardReading['validity'] {
  if (!holder) return null;
  if (now < Date.parse(holder.notBefore)) return 'not-yet-valid';
  if (now > Date.parse(holder.notAfter)) return 'expired';
  return 'valid';
}

function emitTo(listeners: Set<(event: CardEvent) => void>, event: CardEvent): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch {
      // One broken listener must not starve the others.
    }
  }
}

/** The card's side of a signature: three PIN tries, then blocked; a right PIN resets the count. */
function signWithCard(card: DemoCard, triesLeft: Map<DemoCardKey, number>, request: SignRequest): Buffer {
  const key = card.keys.get(request.certificateId);
  if (!key) throw new AppError('ERR_CARD_KEY_NOT_FOUND', { certificateId: request.certificateId });
  const left = triesLeft.get(card.key) ?? MAX_PIN_TRIES;
  if (left === 0) throw new AppError('ERR_PIN_LOCKED');
  if (!/^\d{6,8}$/.test(request.pin.toString('latin1'))) throw new AppError('ERR_PIN_FORMAT');
  // Compared as buffers so the PIN never becomes a long-lived string.
  const expected = Buffer.from(card.pin, 'latin1');
  const right = expected.length === request.pin.length && expected.equals(request.pin);
  expected.fill(0);
  if (!right) {
    triesLeft.set(card.key, left - 1);
    if (left - 1 === 0) throw new AppError('ERR_PIN_LOCKED');
    throw new AppError('ERR_PIN_INCORRECT', { triesLeft: left - 1 });
  }
  triesLeft.set(card.key, MAX_PIN_TRIES);
  if (request.mechanism === 'SHA256_RSA_PKCS') return cryptoSign('sha256', request.data, key);
  // RSA_PKCS: the caller passes the DigestInfo; the card only pads and exponentiates.
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, request.data);
}

function readingOf(reader: string, slotId: string, card: DemoCard, pinTriesLeft: number, now: number): CardReading {
  return {
    reader,
    slotId,
    tokenLabel: card.tokenLabel,
    tokenSerial: card.tokenSerial,
    pin: pinStatusOf(pinTriesLeft),
    certificates: card.certificates,
    authCertificateId: card.authCertificateId,
    holder: card.holder,
    holderError: card.holderError,
    validity: validityAt(card.holder, now),
  };
}

const serviceEvent = (service: DemoScenario['service']): CardEvent =>
  service === 'down' ? { type: 'service', status: 'down', error: new AppError('ERR_CARD_PCSC_UNAVAILABLE').toJSON() } : { type: 'service', status: 'up' };

const familyOf = (card: DemoCard): CardFamily => lookupAtr(card.atr).family;

export function createDemoCardService(deps: DemoDeps): DemoCardService {
  const readDelayMs = deps.readDelayMs ?? 900;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const names = deps.readerNames ?? DEMO_READER_NAMES;
  const byKey = new Map(deps.cards.map((c) => [c.key, c]));
  const triesLeft = new Map<DemoCardKey, number>();
  const slots: Slot[] = names.map((name) => ({ name, card: null, generation: 0 }));
  const listeners = new Set<(event: CardEvent) => void>();
  let scenario: DemoScenario = { ...DEFAULT_DEMO_SCENARIO };
  let closed = false;

  const visibleSlots = (): Slot[] => (scenario.service === 'down' ? [] : slots.slice(0, scenario.readers));

  function snapshot(): ReaderState[] {
    return visibleSlots().map((slot) => {
      if (!slot.card) return { name: slot.name, present: false, atr: null, family: null, cardName: null };
      const match = lookupAtr(slot.card.atr);
      return { name: slot.name, present: true, atr: slot.card.atr, family: match.family, cardName: match.name.nl };
    });
  }

  const emit = (event: CardEvent): void => emitTo(listeners, event);

  function slotAt(index: number | undefined): Slot {
    const slot = visibleSlots()[index ?? 0];
    if (!slot) throw new AppError(scenario.service === 'down' ? 'ERR_CARD_PCSC_UNAVAILABLE' : 'ERR_CARD_NO_READER');
    return slot;
  }

  function findSlot(reader: string): Slot {
    if (scenario.service === 'down') throw new AppError('ERR_CARD_PCSC_UNAVAILABLE');
    const slot = visibleSlots().find((s) => s.name === reader);
    if (!slot) throw new AppError('ERR_CARD_READER_NOT_FOUND', { reader });
    return slot;
  }

  /** A pull takes the card out of its slot; the generation tells a running read it is gone. */
  function empty(slot: Slot): boolean {
    if (!slot.card) return false;
    slot.card = null;
    slot.generation += 1;
    return true;
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      listener({ type: 'readers', readers: snapshot() });
      if (scenario.service === 'down') listener(serviceEvent('down'));
      return () => listeners.delete(listener);
    },

    async readers() {
      if (scenario.service === 'down') throw new AppError('ERR_CARD_PCSC_UNAVAILABLE');
      return snapshot();
    },

    async read(reader) {
      const slot = findSlot(reader);
      const card = slot.card;
      if (!card) throw new AppError('ERR_CARD_NOT_PRESENT', { reader });
      const generation = slot.generation;
      if (scenario.middleware === 'missing') throw new AppError('ERR_CARD_MIDDLEWARE_MISSING');
      await sleep(readDelayMs);
      if (slot.generation !== generation || closed) throw new AppError('ERR_CARD_REMOVED', { reader });
      if (scenario.service === 'down') throw new AppError('ERR_CARD_PCSC_UNAVAILABLE');
      // An unknown card is still tried through PKCS#11 (uzi-domain.md); with no token on it, it is not ours.
      if (familyOf(card) === 'unknown' && card.certificates.length === 0) throw new AppError('ERR_CARD_UNKNOWN', { reader });
      return readingOf(slot.name, String(slots.indexOf(slot)), card, triesLeft.get(card.key) ?? MAX_PIN_TRIES, deps.clock());
    },

    async sign(request: SignRequest) {
      try {
        const card = findSlot(request.reader).card;
        if (!card) throw new AppError('ERR_CARD_NOT_PRESENT', { reader: request.reader });
        return signWithCard(card, triesLeft, request);
      } finally {
        request.pin.fill(0);
      }
    },

    async close() {
      closed = true;
      listeners.clear();
    },

    insert(key, readerIndex) {
      const card = byKey.get(key);
      if (!card) throw new AppError('ERR_CARD_UNKNOWN', { card: key });
      const slot = slotAt(readerIndex);
      if (empty(slot)) emit({ type: 'removed', reader: slot.name, at: deps.clock() });
      slot.card = card;
      slot.generation += 1;
      emit({ type: 'inserted', reader: slot.name, atr: card.atr, family: familyOf(card), at: deps.clock() });
      emit({ type: 'readers', readers: snapshot() });
    },

    remove(readerIndex) {
      const slot = slotAt(readerIndex);
      if (!empty(slot)) return;
      emit({ type: 'removed', reader: slot.name, at: deps.clock() });
      emit({ type: 'readers', readers: snapshot() });
    },

    scenario(patch) {
      const before = scenario;
      scenario = { ...scenario, ...patch };
      if (before.service !== scenario.service) emit(serviceEvent(scenario.service));
      // Readers that disappear take their cards with them, as with a real unplugged reader.
      for (const slot of slots.slice(scenario.readers)) empty(slot);
      emit({ type: 'readers', readers: snapshot() });
      return scenario;
    },

    cards() {
      return [...byKey.keys()];
    },
  };
}
