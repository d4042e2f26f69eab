/** What a new ZORG-ID Smartcard signs (SHA256withRSA) to activate itself; the portal rebuilds the same bytes. */
export function activationMessage(smartcardId: string, activationChallenge: string): Uint8Array {
  return new TextEncoder().encode(`zorgid-smartcard-activate:1:${smartcardId}:${activationChallenge}`);
}
