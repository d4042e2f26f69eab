// Where the card host's sign milliseconds go: each step of our sign path timed alone, in one process
// against one SoftHSM2 token, beside the process hop (an empty call to a card host) and the token
// worker hop. `npx tsx bench/sign-profile.ts` (under the lab lock); not part of `npm run bench`.
import { loadCardLab } from '../test/card-lab/pki';
import { createSoftHsmToken } from '../test/card-lab/softhsm';
import { SOFTHSM_MODULE } from '../test/card-lab/pcscd';
import { createCardHost } from '../src/main/core/host/supervisor';
import { openPkcs11 } from '../src/main/core/card/pkcs11-adapter';
import { startTokenWorker } from '../src/main/core/card/token-worker-client';
import { median } from './stats';

const pki = await loadCardLab();
const auth = pki.cards['Z-huisarts'].auth!;
const token = await createSoftHsmToken({ label: 'bench', objects: [{ id: auth.id, label: 'auth', certDer: auth.certDer, keyPkcs8Der: auth.keyPkcs8Der }] });
process.env.SOFTHSM2_CONF = token.conf;
const time = async (name: string, n: number, fn: () => unknown) => {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  console.log(`${name.padEnd(28)} p50 ${median(t).toFixed(3)} ms`);
};
const local = openPkcs11(SOFTHSM_MODULE);
const [slot] = await local.listTokens();
await time('listTokens (in-process)', 100, () => local.listTokens());
await time('readCertificates', 50, () => local.readCertificates(slot!.slotId));
await time('adapter sign (in-process)', 100, () => local.sign({ slotId: slot!.slotId, certificateId: auth.id, mechanism: 'SHA256_RSA_PKCS', data: Buffer.alloc(32, 7), pin: Buffer.from(token.pin) }));
const worker = startTokenWorker({ modulePath: SOFTHSM_MODULE });
const [wslot] = await worker.listTokens();
await time('worker listTokens', 100, () => worker.listTokens());
await time('worker readCertificates', 100, () => worker.readCertificates(wslot!.slotId));
await time('worker sign', 300, () => worker.sign({ slotId: wslot!.slotId, certificateId: auth.id, mechanism: 'SHA256_RSA_PKCS', data: Buffer.alloc(32, 7), pin: Buffer.from(token.pin) }));
const host = createCardHost({ modulePath: SOFTHSM_MODULE, pcsc: false, env: token.env as Record<string, string> });
await host.read('SoftHSM');
await time('host readers() (empty hop)', 200, () => host.readers());
await time('host sign', 100, () => host.sign({ reader: 'SoftHSM', certificateId: auth.id, mechanism: 'SHA256_RSA_PKCS', data: Buffer.alloc(32, 7), pin: Buffer.from(token.pin) }));
await host.close();
await worker.close();
token.dispose();
process.exit(0);
