// The Smartcard creation operations through the token worker thread (the card host's way of calling
// PKCS#11): requests and answers survive the thread boundary (Buffers in, Buffers out), PINs are zeroed
// on this side, and the key made on the SoftHSM2 blank card is sensitive and never extractable.
import { createPublicKey, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMARTCARD_KEY_ID, SMARTCARD_PENDING_LABEL, type SmartcardTokenAccess } from '../../src/main/core/card/smartcard-token';
import { startTokenWorker } from '../../src/main/core/card/token-worker-client';
import { slotForReader } from '../../src/main/core/enrol/create-smartcard';
import { loadLab } from '../card-lab/lab-tokens';
import { SOFTHSM_MODULE } from '../card-lab/pcscd';
import { BLANK_SO_PIN, smartcardSoftHsm, type SmartcardSoftHsm } from './smartcard-lab';

const available = existsSync(SOFTHSM_MODULE) && existsSync('/usr/bin/softhsm2-util');
if (!available && process.env.CI) throw new Error(`SoftHSM2 unavailable in CI (${SOFTHSM_MODULE})`);

describe.skipIf(!available)(available ? 'Smartcard operations through the token worker' : 'Smartcard operations through the token worker [skipped: softhsm2 not installed]', () => {
  let hsm: SmartcardSoftHsm;
  let tokens: SmartcardTokenAccess;

  beforeAll(async () => {
    hsm = await smartcardSoftHsm(await loadLab());
    await hsm.addBlank('SC worker');
    process.env.SOFTHSM2_CONF = hsm.base.conf;
    tokens = startTokenWorker({ modulePath: SOFTHSM_MODULE });
  }, 60_000);
  afterAll(async () => {
    await tokens?.close();
    hsm?.dispose();
  });

  it('sets the PIN as SO, generates a non-extractable key on the card, signs with it and rolls it back', async () => {
    const { slotId } = await slotForReader(tokens, 'SC worker');
    expect(await tokens.inspectBlank(slotId)).toMatchObject({ blank: true, certificates: 0, publicKeys: 0 });
    const soPin = Buffer.from(BLANK_SO_PIN);
    const newPin = Buffer.from('24682468');
    await tokens.setUserPin({ slotId, authority: { kind: 'so', soPin }, newPin });
    expect([...soPin, ...newPin].every((b) => b === 0)).toBe(true);

    const pin = () => Buffer.from('24682468');
    const key = await tokens.generateKeyPair({ slotId, pin: pin(), id: SMARTCARD_KEY_ID, label: SMARTCARD_PENDING_LABEL, bits: 2048 });
    expect(Buffer.isBuffer(key.spkiDer)).toBe(true);
    expect(await tokens.readKeyAttributes({ slotId, pin: pin(), id: SMARTCARD_KEY_ID })).toMatchObject({ sensitive: true, extractable: false, neverExtractable: true, modulusBits: 2048 });

    const data = Buffer.from('proef');
    const signature = await tokens.signWithKey({ slotId, pin: pin(), id: SMARTCARD_KEY_ID, mechanism: 'SHA256_RSA_PKCS', data });
    expect(verify('sha256', data, createPublicKey({ key: key.spkiDer, format: 'der', type: 'spki' }), signature)).toBe(true);
    // A wrong PIN is the token's answer, mapped as everywhere else.
    await expect(tokens.signWithKey({ slotId, pin: Buffer.from('11111111'), id: SMARTCARD_KEY_ID, mechanism: 'SHA256_RSA_PKCS', data })).rejects.toMatchObject({ code: 'ERR_PIN_INCORRECT' });

    expect(await tokens.destroyObjects({ slotId, pin: pin(), id: SMARTCARD_KEY_ID })).toBe(2);
    expect(await tokens.inspectBlank(slotId)).toMatchObject({ blank: true, publicKeys: 0 });
  }, 60_000);
});
