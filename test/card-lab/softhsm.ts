// Per-test SoftHSM2 tokens: own config and token folder in a temp dir, so tests never share state
// and another process (the card host) can open the same token by setting SOFTHSM2_CONF before it
// loads the module. SoftHSM2 never locks a PIN and has no reader (build-notes.md): use the virtual
// PIV card where either matters.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SOFTHSM_MODULE } from './pcscd';

const run = promisify(execFile);

export interface SoftHsmObject {
  /** CKA_ID as hex, e.g. '01' */
  id: string;
  label: string;
  certDer?: Buffer;
  keyPkcs8Der?: Buffer;
}

export interface SoftHsmTokenSpec {
  label: string;
  pin?: string;
  soPin?: string;
  objects?: SoftHsmObject[];
}

export interface SoftHsmToken {
  /** path for SOFTHSM2_CONF; set it in the environment before the module is loaded */
  conf: string;
  module: string;
  label: string;
  pin: string;
  soPin: string;
  dir: string;
  /** environment for a child process that should see this token */
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/**
 * Creates and fills a SoftHSM2 token. Keys are imported with `softhsm2-util --import` (private and
 * public key objects), certificates with `pkcs11-tool --write-object --type cert`, both with the
 * object's CKA_ID, so a certificate and its key pair share an ID as on a real card.
 */
export async function createSoftHsmToken(spec: SoftHsmTokenSpec): Promise<SoftHsmToken> {
  const pin = spec.pin ?? '123456';
  const soPin = spec.soPin ?? '12345678';
  if (spec.label.length > 32) throw new Error('SoftHSM token labels have at most 32 characters');
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-softhsm-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    mkdirSync(join(dir, 'tokens'));
    const conf = join(dir, 'softhsm2.conf');
    writeFileSync(
      conf,
      [`directories.tokendir = ${join(dir, 'tokens')}`, 'objectstore.backend = file', 'log.level = ERROR', ''].join('\n'),
    );
    const env = { ...process.env, SOFTHSM2_CONF: conf };
    await run('softhsm2-util', ['--init-token', '--free', '--label', spec.label, '--pin', pin, '--so-pin', soPin], { env });
    for (const [i, obj] of (spec.objects ?? []).entries()) {
      if (!/^([0-9a-fA-F]{2})+$/.test(obj.id)) throw new Error(`CKA_ID must be hex: ${obj.id}`);
      if (obj.keyPkcs8Der) {
        const keyFile = join(dir, `key-${i}.pem`);
        writeFileSync(keyFile, pem('PRIVATE KEY', obj.keyPkcs8Der), { mode: 0o600 });
        await run('softhsm2-util', ['--import', keyFile, '--token', spec.label, '--label', obj.label, '--id', obj.id, '--pin', pin], { env });
        rmSync(keyFile);
      }
      if (obj.certDer) {
        const certFile = join(dir, `cert-${i}.der`);
        writeFileSync(certFile, obj.certDer);
        await run(
          'pkcs11-tool',
          ['--module', SOFTHSM_MODULE, '--token-label', spec.label, '--login', '--pin', pin,
            '--write-object', certFile, '--type', 'cert', '--id', obj.id, '--label', obj.label],
          { env },
        );
      }
    }
    return { conf, module: SOFTHSM_MODULE, label: spec.label, pin, soPin, dir, env: { SOFTHSM2_CONF: conf }, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
