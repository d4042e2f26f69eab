// Fuzz properties (issue 15 item 2) for the certificate parsers, PEM splitting and verifyChain: random
// bytes and mutated lab certificates. A property fails on an exception that is not our UziError, on an
// input that takes over 100 ms, and on a mutated certificate that verifyChain accepts.
// `npm run fuzz -- --runs N` runs these with N inputs per property.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { derProblem } from './strict-der';
import { LAB_VALID_AT, loadCardLab, type CardLabPki } from '../../../test/card-lab/pki';
import { FUZZ_TEST_TIMEOUT_MS, fuzzParameters, mutatedDerDeep, randomDer, sameBytes, typedOutcome } from '../../../test/fuzz/fuzz-support';
import { verifyChain } from './chain';
import { derObjects, firstChildBytes, pemBlocks } from './der';
import { certificateUsage, keyBits, parseUziCertificate, parseX509, validityAt } from './uzi-parser';

let pki: CardLabPki;
let leaf: Uint8Array;
let crl: Buffer;
beforeAll(async () => {
  pki = await loadCardLab();
  leaf = new Uint8Array(pki.cards['Z-huisarts'].auth!.certDer);
  crl = await pki.crl();
}, 120_000);

/** Every parser of certificate bytes in the app, each on its own. */
const PARSERS: Record<string, (der: Uint8Array) => unknown> = {
  parseX509,
  parseUziCertificate,
  certificateUsage,
  keyBits,
  validityAt: (der) => validityAt(der, LAB_VALID_AT),
  firstChildBytes,
  derObjects: (der) => derObjects(der, 'CERTIFICATE'),
};

async function parsersHold(der: Uint8Array): Promise<void> {
  for (const [name, parse] of Object.entries(PARSERS)) {
    const outcome = await typedOutcome(name, () => parse(der));
    // What parseX509 takes must be strict DER: no second, looser definition of a certificate.
    if (name === 'parseX509' && outcome.ok) expect(derProblem(der), 'parseX509 accepted non-DER').toBeNull();
  }
}

const chainOf = (candidate: Uint8Array) =>
  verifyChain({ leaf: candidate, intermediates: pki.intermediates, anchors: [pki.root], at: LAB_VALID_AT, crls: [crl] });

describe('certificate parsers under fuzzing', () => {
  it('throw only UziError, within 100 ms, on random bytes', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    await fc.assert(fc.asyncProperty(randomDer, parsersHold), fuzzParameters());
  });

  it('throw only UziError, within 100 ms, on mutated lab certificates', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    await fc.assert(fc.asyncProperty(mutatedDerDeep(leaf), parsersHold), fuzzParameters());
  });

  it('split PEM text of any shape into DER without an untyped exception', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
    const text = fc.oneof(fc.string({ maxLength: 3000 }), fc.string({ unit: fc.constantFrom(...'AQIDBA==+/ \n-'), maxLength: 3000 }).map(pem));
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        await typedOutcome('pemBlocks', () => pemBlocks(t, 'CERTIFICATE'));
        await typedOutcome('derObjects', () => derObjects(new TextEncoder().encode(t), 'CERTIFICATE'));
      }),
      fuzzParameters(),
    );
  });
});

describe('verifyChain under fuzzing', () => {
  it('accepts the unmutated lab leaf (the control)', async () => {
    expect((await chainOf(leaf)).valid).toBe(true);
  });

  it('never accepts a mutated leaf, and answers with a typed result within 100 ms', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDerDeep(leaf), async (mutated) => {
        const outcome = await typedOutcome('verifyChain', () => chainOf(mutated));
        const accepted = outcome.ok && (outcome.value as { valid: boolean }).valid;
        if (accepted && !sameBytes(mutated, leaf)) throw new Error(`verifyChain accepted a mutated leaf: ${Buffer.from(mutated).toString('base64')}`);
      }),
      fuzzParameters(),
    );
  });

  it('never accepts a chain through a mutated intermediate', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const issuing = new Uint8Array(pki.cards['Z-huisarts'].chain[0]!);
    await fc.assert(
      fc.asyncProperty(mutatedDerDeep(issuing), async (m) => {
        const input = { leaf, intermediates: [Buffer.from(m)], anchors: [pki.root], at: LAB_VALID_AT };
        const outcome = await typedOutcome('verifyChain', () => verifyChain(input));
        const accepted = outcome.ok && (outcome.value as { valid: boolean }).valid;
        if (accepted && !sameBytes(m, issuing)) throw new Error(`verifyChain accepted a mutated intermediate: ${Buffer.from(m).toString('base64')}`);
      }),
      fuzzParameters(),
    );
  });

  // An anchor is configuration, trusted for its name and key (RFC 5280 §6.1.1 d): a damaged copy that
  // keeps both may still anchor the path, so this property asks only for a typed answer in time.
  it('answers a mutated anchor with a typed result within 100 ms', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const root = new Uint8Array(pki.root);
    const input = (m: Uint8Array) => ({ leaf, intermediates: pki.intermediates, anchors: [Buffer.from(m)], at: LAB_VALID_AT });
    await fc.assert(fc.asyncProperty(mutatedDerDeep(root), async (m) => void (await typedOutcome('verifyChain', () => verifyChain(input(m))))), fuzzParameters());
  });

  // Only typed and in time: a mutated CRL that names another issuer rightly leaves the card unchecked.
  it('answers a revoked card with a mutated CRL with a typed result within 100 ms', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const revoked = pki.cards['Z-revoked'].auth!.certDer;
    const input = (m: Uint8Array) => ({ leaf: revoked, intermediates: pki.intermediates, anchors: [pki.root], at: LAB_VALID_AT, crls: [Buffer.from(m)] });
    await fc.assert(fc.asyncProperty(mutatedDerDeep(new Uint8Array(crl)), async (m) => void (await typedOutcome('verifyChain', () => verifyChain(input(m))))), fuzzParameters());
  });

  it('answers random bytes as a leaf with a typed result within 100 ms', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    await fc.assert(fc.asyncProperty(randomDer, async (der) => void (await typedOutcome('verifyChain', () => chainOf(der)))), fuzzParameters());
  });
});
