// HMAC_DRBG (NIST SP 800-90A, SHA-256, no reseed, no prediction resistance): the only source of
// "randomness" in the card lab, so the same seed yields byte-identical keys and certificates.
import { createHmac } from 'node:crypto';

export class HmacDrbg {
  private k: Buffer = Buffer.alloc(32, 0x00);
  private v: Buffer = Buffer.alloc(32, 0x01);

  constructor(seedMaterial: string | Buffer) {
    this.update(Buffer.isBuffer(seedMaterial) ? seedMaterial : Buffer.from(seedMaterial, 'utf8'));
  }

  private hmac(...parts: Buffer[]): Buffer {
    const h = createHmac('sha256', this.k);
    for (const p of parts) h.update(p);
    return h.digest();
  }

  private update(data?: Buffer): void {
    this.k = this.hmac(this.v, Buffer.from([0x00]), data ?? Buffer.alloc(0));
    this.v = this.hmac(this.v);
    if (!data || data.length === 0) return;
    this.k = this.hmac(this.v, Buffer.from([0x01]), data);
    this.v = this.hmac(this.v);
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      this.v = this.hmac(this.v);
      filled += this.v.copy(out, filled);
    }
    this.update();
    return out;
  }
}
