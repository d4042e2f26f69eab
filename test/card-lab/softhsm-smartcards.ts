// The card lab's blank ZORG-ID Smartcards: one SoftHSM2 token per vpcd reader, labelled with the
// reader's name, plus the lab's 'SC-blank' virtual card (Smartcard ATR, an empty PIV applet) in that
// reader. PC/SC sees the card come and go; the card host finds its token by the label
// (card-backend.ts readerOfToken, which prefers it to OpenSC's empty PIV token in the same reader) in
// the Smartcard module (HostSettings.smartcardModulePath). SoftHSM can generate keys on the token,
// which OpenSC's PIV driver cannot. (A card with no applet at all is worse: OpenSC then probes it
// anew on every C_GetSlotList, ~7 s each, measured.)
//
// The token outlives a pull (it is a file), so a pulled card keeps whatever a creation left on it — as
// a real card would. `renew` puts a new card from the box in its place: the token is initialised again
// (same label and serial), which a module loaded in another process sees at its next call. Deleting a
// token under a running SoftHSM breaks it (CKR_GENERAL_ERROR), so tokens are never deleted while used.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SOFTHSM_MODULE } from './pcscd';

const run = promisify(execFile);

/** The blank card's Security Officer PIN: how the app sets the first user PIN (docs/smartcard.md). */
export const SMARTCARD_SO_PIN = '87654321';
/** softhsm2-util insists on a user PIN at initialisation; the creation replaces it. */
const FACTORY_USER_PIN = '000000';

export interface SoftHsmSmartcards {
  module: string;
  /** Environment the card host needs to see these tokens (SOFTHSM2_CONF). */
  env: Record<string, string>;
  soPin: string;
  /** A new blank card for this reader: the token initialised again, nothing on it. */
  renew(readerName: string): Promise<void>;
  dispose(): void;
}

export async function createSoftHsmSmartcards(readerNames: readonly string[]): Promise<SoftHsmSmartcards> {
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-smartcards-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, [`directories.tokendir = ${join(dir, 'tokens')}`, 'objectstore.backend = file', 'log.level = ERROR', ''].join('\n'));
  const env = { SOFTHSM2_CONF: conf };
  const util = (args: string[]) => run('softhsm2-util', args, { env: { ...process.env, ...env } });
  const known = new Set(readerNames);
  for (const name of readerNames) {
    if (name.length > 32) throw new Error(`SoftHSM token labels have at most 32 characters: ${name}`);
    await util(['--init-token', '--free', '--label', name, '--so-pin', SMARTCARD_SO_PIN, '--pin', FACTORY_USER_PIN]);
  }
  return {
    module: SOFTHSM_MODULE,
    env,
    soPin: SMARTCARD_SO_PIN,
    async renew(readerName) {
      if (!known.has(readerName)) throw new Error(`no blank Smartcard token for ${readerName}`);
      await util(['--init-token', '--token', readerName, '--label', readerName, '--so-pin', SMARTCARD_SO_PIN, '--pin', FACTORY_USER_PIN]);
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
