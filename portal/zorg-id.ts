// The ZORG-ID ID: the identifier a user reads from the Mobile App and an administrator types to add
// that user to an organisation (manual §8.1). Typable: Crockford base32 without I, L, O, U, in groups.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `ZID-XXXX-XXXX-XXXX`: 60 bits from the injected rng. */
export function newZorgIdId(rng: (bytes: number) => Uint8Array): string {
  const bytes = rng(8);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 12; i++) out += ALPHABET[Number((bits >> BigInt(4 + i * 5)) & 31n)];
  return `ZID-${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}

/** Accepts what people type: lower case, spaces or no dashes; null when it cannot be a ZORG-ID ID. */
export function normaliseZorgIdId(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '').replace(/^ZID/, '');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(compact)) return null;
  return `ZID-${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8, 12)}`;
}

export const ZORG_ID_ID_PATTERN = /^ZID-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
