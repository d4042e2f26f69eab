// Smartcard creation, the app's path (createSmartcard through the supervised card host: JSON IPC, the
// token worker, the deadlines) against the same flow on the same SoftHSM2 module loaded in this
// process. Both run against one reference portal; each round uses a fresh blank token and the portal
// removes the Smartcard afterwards (one live Smartcard per person). SoftHSM2 only: no pcscd needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPkcs11 } from '../src/main/core/card/pkcs11-adapter';
import type { SmartcardTokenAccess } from '../src/main/core/card/smartcard-token';
import { createSmartcard } from '../src/main/core/enrol/create-smartcard';
import { httpSmartcardPortal } from '../src/main/core/enrol/smartcard-portal';
import { createCardHost } from '../src/main/core/host/supervisor';
import { SOFTHSM_MODULE } from '../test/card-lab/pcscd';
import { LAB_VALID_AT, loadCardLab } from '../test/card-lab/pki';
import { BLANK_SO_PIN, UZI_PIN, smartcardSoftHsm, softHsmUziCards, startSmartcardPortal, uziLabel } from '../test/smartcard/smartcard-lab';
import { bench, median } from './stats';

export async function benchSmartcard({ rounds }: { rounds: number }): Promise<void> {
  const pki = await loadCardLab();
  const hsm = await smartcardSoftHsm(pki);
  await hsm.addUzi('Z-huisarts');
  const blanks: string[] = [];
  for (let i = 0; i < rounds * 2; i++) blanks.push(await hsm.addBlank(`bench blank ${i}`));
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-bench-sc-'));
  const now = LAB_VALID_AT.getTime();
  const portal = await startSmartcardPortal(pki, join(dir, 'portal.sqlite'), () => now);
  process.env.SOFTHSM2_CONF = hsm.base.conf;
  const local = openPkcs11(SOFTHSM_MODULE);
  const host = createCardHost({ modulePath: SOFTHSM_MODULE, pcsc: false, env: hsm.base.env as Record<string, string>, clock: () => now });
  const client = httpSmartcardPortal({ origin: portal.origin, allowlist: [portal.origin] });
  const once = async (blank: SmartcardTokenAccess, uzi: ReturnType<typeof softHsmUziCards>, blankLabel: string): Promise<number> => {
    const pin = '97531864';
    const t0 = performance.now();
    const created = await createSmartcard(
      { blank, uzi, portal: client, pinAuthority: () => ({ kind: 'so', soPin: Buffer.from(BLANK_SO_PIN) }), appVersion: 'bench' },
      { uziReader: uziLabel('Z-huisarts'), blankReader: blankLabel, pin: Buffer.from(pin), pinRepeat: Buffer.from(pin), uziPin: async () => Buffer.from(UZI_PIN) },
    );
    const ms = performance.now() - t0;
    await portal.store.setSmartcardStatus(created.smartcardId, ['active'], 'removed', now);
    return ms;
  };
  try {
    await host.whenReady();
    const viaHost = host.smartcardTokens();
    const ours: number[] = [];
    const raw: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Turn about, so load from elsewhere hits both alike.
      raw.push(await once(local, softHsmUziCards(local), blanks[2 * r]!));
      ours.push(await once(viaHost, softHsmUziCards(viaHost), blanks[2 * r + 1]!));
    }
    bench('smartcard-create-in-process-p50', median(raw), 'ms');
    bench('smartcard-create-card-host-p50', median(ours), 'ms', 2, median(raw));
  } finally {
    await host.close();
    await local.close();
    await portal.close();
    hsm.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
