// The validator's port to certificate knowledge: UZI holder parsing and path validation. The default
// adapter is @zorgid/uzi, the same code the app reads cards with, so the portal and the app share
// one definition of an UZI certificate and one path builder; a vendor may pass its own.
import { ValidatorError, type ValidatorErrorCode } from './errors';
import type { UziHolder } from '@zorgid/uzi';
import { verifyChain } from '@zorgid/uzi';
import { parseUziCertificate } from '@zorgid/uzi';

export interface ChainInput {
  leaf: Uint8Array;
  intermediates: Uint8Array[];
  anchors: Uint8Array[];
  at: Date;
}

export interface IdentityPort {
  /** Throws ValidatorError ERR_CERT_* when the certificate carries no valid UZI otherName. */
  parseUzi(der: Uint8Array): UziHolder;
  /**
   * Path leaf → … → trust anchor (DER, anchor last), signatures and validity checked, revocation
   * NOT (the validator does that as its own step, with its CRL cache and OCSP). Throws ValidatorError:
   * ERR_CERT_UNKNOWN_CA when no configured anchor is reached, another ERR_CERT_* otherwise.
   */
  buildChain(input: ChainInput): Promise<Uint8Array[]>;
}

export const defaultIdentity: IdentityPort = {
  parseUzi: parseUziCertificate,
  async buildChain(input) {
    // No CRLs here: revocation is step 6 of the validator, after the chain (step 5).
    const result = await verifyChain({ ...input, crls: [] });
    if (!result.valid) throw new ValidatorError(result.code as ValidatorErrorCode, result.detail);
    return result.path.map((d) => new Uint8Array(d));
  },
};
