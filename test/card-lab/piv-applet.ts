// A PIV applet (NIST SP 800-73-4, the subset OpenSC 0.23's PIV-II driver uses; build-notes.md lists
// exactly what it sends) so that opensc-pkcs11.so shows a token with real keys, real certificates and a
// PIN counter that really blocks. The UZI ATR stays: OpenSC finds PIV by probing APDUs, not by ATR.
import { constants, createHash, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import type { VirtualCard, VpcdControl } from './vpcd-link';

/** UZI-pas ATR (uzi-domain.md). */
export const UZI_ATR = Buffer.from('3BFD1800FF8131FE4543494247555A494A3241303831 58'.replace(/\s/g, ''), 'hex');

export type PivKeyRef = '9A' | '9C' | '9D';

/** PIV key reference → the certificate object OpenSC reads for it (SP 800-73-4 table 3). */
const CERT_OBJECT: Record<PivKeyRef, string> = { '9A': '5FC105', '9C': '5FC10A', '9D': '5FC10B' };

export interface PivKeySlot {
  certDer: Buffer;
  /** PKCS#8 DER or a private KeyObject (RSA) */
  privateKey: Buffer | KeyObject;
}

export interface PivAppletOptions {
  atr?: Buffer;
  /** 6–8 digits; default '123456' */
  pin?: string;
  pinTries?: number;
  /** 9A = PIV authentication (OpenSC ID 01), 9C = signing (02), 9D = key management (03) */
  keys: Partial<Record<PivKeyRef, PivKeySlot>>;
  /** 16-byte card GUID (token serial in OpenSC); derived from the certificates when absent */
  guid?: Buffer;
  apduDelayMs?: number;
}

interface Apdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Buffer;
  /** undefined = no Le; 256 / 65536 for a zero Le */
  le: number | undefined;
}

const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_NOT_SATISFIED: 0x6982,
  BLOCKED: 0x6983,
  CONDITIONS: 0x6985,
  WRONG_DATA: 0x6a80,
  NOT_FOUND: 0x6a82,
  REF_NOT_FOUND: 0x6a88,
  WRONG_P1P2: 0x6b00,
  INS_UNKNOWN: 0x6d00,
  CLA_UNKNOWN: 0x6e00,
} as const;

const PIV_AID = Buffer.from('A000000308000010000100', 'hex');
// PIV algorithm ids → RSA modulus bytes (SP 800-78: 06 RSA-1024, 07 RSA-2048; 05 RSA-3072 and 16
// RSA-4096 as YubiKey 5.7 uses them — OpenSC 0.23 itself only drives 1024/2048).
const ALG_RSA: Record<number, number> = { 0x06: 128, 0x07: 256, 0x05: 384, 0x16: 512 };

function parseApdu(b: Buffer): Apdu | undefined {
  if (b.length < 4) return undefined;
  const [cla, ins, p1, p2] = [b[0]!, b[1]!, b[2]!, b[3]!];
  const body = b.subarray(4);
  const empty = Buffer.alloc(0);
  if (body.length === 0) return { cla, ins, p1, p2, data: empty, le: undefined };
  if (body.length === 1) return { cla, ins, p1, p2, data: empty, le: body[0]! || 256 };
  if (body[0] !== 0) {
    const lc = body[0]!;
    if (body.length === 1 + lc) return { cla, ins, p1, p2, data: body.subarray(1), le: undefined };
    if (body.length === 2 + lc) return { cla, ins, p1, p2, data: body.subarray(1, 1 + lc), le: body[1 + lc]! || 256 };
    return undefined;
  }
  // Extended length (first body byte 00).
  if (body.length === 3) return { cla, ins, p1, p2, data: empty, le: body.readUInt16BE(1) || 65536 };
  const lc = body.readUInt16BE(1);
  if (body.length === 3 + lc) return { cla, ins, p1, p2, data: body.subarray(3), le: undefined };
  if (body.length === 5 + lc) return { cla, ins, p1, p2, data: body.subarray(3, 3 + lc), le: body.readUInt16BE(3 + lc) || 65536 };
  return undefined;
}

/** BER-TLV with definite length. */
export function tlv(tag: number, value: Buffer): Buffer {
  const t = tag > 0xffff ? Buffer.from([tag >> 16, (tag >> 8) & 0xff, tag & 0xff]) : tag > 0xff ? Buffer.from([tag >> 8, tag & 0xff]) : Buffer.from([tag]);
  const n = value.length;
  const l = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([t, l, value]);
}

/** Reads the TLVs directly inside `buf` (simple tags of 1–3 bytes). */
function readTlvs(buf: Buffer): Map<number, Buffer> | undefined {
  const out = new Map<number, Buffer>();
  let i = 0;
  while (i < buf.length) {
    let tag = buf[i++]!;
    if ((tag & 0x1f) === 0x1f) {
      do tag = (tag << 8) | buf[i]!;
      while (buf[i++]! & 0x80 && i < buf.length);
    }
    let len = buf[i++];
    if (len === undefined) return undefined;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n < 1 || n > 2 || i + n > buf.length) return undefined;
      len = n === 1 ? buf[i]! : buf.readUInt16BE(i);
      i += n;
    }
    if (i + len > buf.length) return undefined;
    out.set(tag, buf.subarray(i, i + len));
    i += len;
  }
  return out;
}

const sw = (code: number, data: Buffer = Buffer.alloc(0)) =>
  Buffer.concat([data, Buffer.from([code >> 8, code & 0xff])]);

export class PivApplet implements VirtualCard {
  private readonly atrBytes: Buffer;
  private readonly pin: Buffer;
  private readonly maxTries: number;
  private readonly keys: Map<PivKeyRef, { certDer: Buffer; key: KeyObject; size: number }>;
  private readonly objects: Map<string, Buffer>;
  private triesLeft: number;
  private verified = false;
  private chain: { ins: number; data: Buffer } | undefined;
  private pending: Buffer | undefined;
  private hung = false;
  private readonly hungWaiters = new Set<() => void>();
  apduDelayMs: number;
  apduCount = 0;

  constructor(opts: PivAppletOptions) {
    this.atrBytes = opts.atr ?? UZI_ATR;
    const pin = Buffer.from(opts.pin ?? '123456', 'ascii');
    if (pin.length < 6 || pin.length > 8) throw new Error('PIV PIN must be 6–8 characters');
    this.pin = Buffer.concat([pin, Buffer.alloc(8 - pin.length, 0xff)]);
    this.maxTries = opts.pinTries ?? 3;
    this.triesLeft = this.maxTries;
    this.apduDelayMs = opts.apduDelayMs ?? 0;
    this.keys = new Map();
    for (const [ref, slot] of Object.entries(opts.keys) as Array<[PivKeyRef, PivKeySlot]>) {
      const key = Buffer.isBuffer(slot.privateKey)
        ? createPrivateKey({ key: slot.privateKey, format: 'der', type: 'pkcs8' })
        : slot.privateKey;
      if (key.asymmetricKeyType !== 'rsa') throw new Error(`PIV slot ${ref}: only RSA keys are supported`);
      const size = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
      if (!Object.values(ALG_RSA).includes(size)) throw new Error(`PIV slot ${ref}: RSA-1024/2048/3072/4096 only`);
      this.keys.set(ref, { certDer: slot.certDer, key, size });
    }
    // A blank card (no keys yet) still needs a stable, distinct GUID.
    const guid =
      opts.guid ??
      createHash('sha256').update(this.keys.get('9A')?.certDer ?? Buffer.from(this.atrBytes.toString('hex') + 'blank')).digest().subarray(0, 16);
    this.objects = new Map();
    // Discovery: PIV AID + PIN usage policy 40 00 (only the PIV application PIN).
    this.objects.set('7E', tlv(0x7e, Buffer.concat([tlv(0x4f, PIV_AID), tlv(0x5f2f, Buffer.from([0x40, 0x00]))])));
    // CHUID: a test FASC-N, the GUID (OpenSC's token serial), expiry, empty signature.
    const fascn = Buffer.from('D4E739DA739CED39CE739D836858210842108421C84210C3EB', 'hex');
    this.objects.set(
      '5FC102',
      tlv(0x53, Buffer.concat([tlv(0x30, fascn), tlv(0x34, guid), tlv(0x35, Buffer.from('20991231')), tlv(0x3e, Buffer.alloc(0)), tlv(0xfe, Buffer.alloc(0))])),
    );
    for (const [ref, k] of this.keys) {
      // 71 00 = CertInfo: not compressed.
      this.objects.set(CERT_OBJECT[ref], tlv(0x53, Buffer.concat([tlv(0x70, k.certDer), tlv(0x71, Buffer.from([0])), tlv(0xfe, Buffer.alloc(0))])));
    }
  }

  get pinTriesLeft(): number {
    return this.triesLeft;
  }

  /**
   * Sets the remaining PIN tries (0 = blocked), as if wrong PINs had been entered elsewhere — which
   * also ends a verified state. (Without that, a card left verified by an earlier process answers the
   * empty VERIFY with 9000 and OpenSC shows no FINAL_TRY: real cards keep the state across connections.)
   */
  setPinTries(n: number): void {
    this.triesLeft = Math.max(0, Math.min(n, 15));
    this.verified = false;
  }

  /** A hung card never answers another APDU (until `hang(false)`), as a stuck reader would. */
  hang(on = true): void {
    this.hung = on;
    if (!on) {
      for (const w of this.hungWaiters) w();
      this.hungWaiters.clear();
    }
  }

  atr(): Buffer {
    return this.atrBytes;
  }

  control(what: Exclude<VpcdControl, 'get-atr'>): void {
    // Power cycle or reset: the card forgets the verified PIN and any half-finished exchange.
    if (what === 'power-off' || what === 'reset' || what === 'power-on') this.resetState();
  }

  resetState(): void {
    this.verified = false;
    this.chain = undefined;
    this.pending = undefined;
  }

  async transmit(raw: Buffer): Promise<Buffer> {
    this.apduCount++;
    if (this.hung) await new Promise<void>((resolve) => this.hungWaiters.add(resolve));
    if (this.apduDelayMs > 0) await new Promise((r) => setTimeout(r, this.apduDelayMs));
    return this.process(raw);
  }

  /** Synchronous core, also handy for unit tests without vpcd. */
  process(raw: Buffer): Buffer {
    const apdu = parseApdu(raw);
    if (!apdu) return sw(SW.WRONG_LENGTH);
    if (apdu.ins === 0xc0 && (apdu.cla & 0xef) === 0) return this.getResponse(apdu);
    this.pending = undefined;
    if ((apdu.cla & 0xef) !== 0) return sw(SW.CLA_UNKNOWN);
    if (apdu.cla & 0x10) {
      // Command chaining: collect until the last part (CLA 00).
      const prev = this.chain && this.chain.ins === apdu.ins ? this.chain.data : Buffer.alloc(0);
      this.chain = { ins: apdu.ins, data: Buffer.concat([prev, apdu.data]) };
      return sw(SW.OK);
    }
    if (this.chain) {
      if (this.chain.ins === apdu.ins) apdu.data = Buffer.concat([this.chain.data, apdu.data]);
      this.chain = undefined;
    }
    switch (apdu.ins) {
      case 0xa4:
        return this.select(apdu);
      case 0xcb:
        return this.getData(apdu);
      case 0x20:
        return this.verify(apdu);
      case 0x87:
        return this.generalAuthenticate(apdu);
      default:
        return sw(SW.INS_UNKNOWN);
    }
  }

  /** Sends what fits in Le; the rest waits for GET RESPONSE behind `61 xx`. */
  private respond(data: Buffer, le: number | undefined): Buffer {
    const max = le ?? 256;
    if (data.length <= max) return sw(SW.OK, data);
    if (le !== undefined && le < 256 && this.pending === undefined && data.length > 0 && le <= 8) {
      // OpenSC probes an object's length with a short read; it only wants the first bytes.
      return sw(SW.OK, data.subarray(0, le));
    }
    this.pending = data.subarray(max);
    return sw(0x6100 | Math.min(this.pending.length, 256) % 256, data.subarray(0, max));
  }

  private getResponse(apdu: Apdu): Buffer {
    const rest = this.pending;
    this.pending = undefined;
    if (!rest) return sw(SW.CONDITIONS);
    return this.respond(rest, apdu.le);
  }

  private select(apdu: Apdu): Buffer {
    // OpenSC selects with a truncated (9-byte) AID: match by prefix.
    if (apdu.p1 === 0x04 && apdu.data.length >= 5 && PIV_AID.subarray(0, apdu.data.length).equals(apdu.data)) {
      const apt = tlv(0x61, Buffer.concat([tlv(0x4f, PIV_AID.subarray(5)), tlv(0x79, tlv(0x4f, PIV_AID.subarray(0, 5)))]));
      return this.respond(apt, apdu.le);
    }
    return sw(SW.NOT_FOUND);
  }

  private getData(apdu: Apdu): Buffer {
    if (apdu.p1 !== 0x3f || apdu.p2 !== 0xff) return sw(SW.WRONG_P1P2);
    const tag = readTlvs(apdu.data)?.get(0x5c);
    if (!tag) return sw(SW.WRONG_DATA);
    const obj = this.objects.get(tag.toString('hex').toUpperCase());
    return obj ? this.respond(obj, apdu.le) : sw(SW.NOT_FOUND);
  }

  private verify(apdu: Apdu): Buffer {
    if (apdu.p2 !== 0x80) return sw(SW.REF_NOT_FOUND);
    if (apdu.p1 === 0xff) {
      this.verified = false;
      return sw(SW.OK);
    }
    if (apdu.p1 !== 0x00) return sw(SW.WRONG_P1P2);
    if (this.triesLeft === 0) return sw(SW.BLOCKED);
    // Empty VERIFY = status query: verified or the tries left.
    if (apdu.data.length === 0) return sw(this.verified ? SW.OK : 0x63c0 | this.triesLeft);
    if (apdu.data.length !== 8) return sw(SW.WRONG_DATA);
    if (apdu.data.equals(this.pin)) {
      this.triesLeft = this.maxTries;
      this.verified = true;
      return sw(SW.OK);
    }
    this.verified = false;
    this.triesLeft--;
    return sw(this.triesLeft === 0 ? SW.BLOCKED : 0x63c0 | this.triesLeft);
  }

  private generalAuthenticate(apdu: Apdu): Buffer {
    const key = this.keys.get(apdu.p2.toString(16).toUpperCase() as PivKeyRef);
    if (!key) return sw(SW.REF_NOT_FOUND);
    if (ALG_RSA[apdu.p1] !== key.size) return sw(SW.WRONG_P1P2);
    const outer = readTlvs(apdu.data)?.get(0x7c);
    const inner = outer && readTlvs(outer);
    const challenge = inner?.get(0x81);
    if (!inner || !challenge || !inner.has(0x82) || inner.get(0x82)!.length !== 0) return sw(SW.WRONG_DATA);
    if (challenge.length !== key.size) return sw(SW.WRONG_DATA);
    if (!this.verified) return sw(SW.SECURITY_NOT_SATISFIED);
    let result: Buffer;
    try {
      // Raw RSA private operation on the block OpenSC already padded (PKCS#1 v1.5 for signing).
      result = privateDecrypt({ key: key.key, padding: constants.RSA_NO_PADDING }, challenge);
    } catch {
      return sw(SW.WRONG_DATA);
    }
    return this.respond(tlv(0x7c, tlv(0x82, result)), apdu.le);
  }
}
