// Runs the reference portal on its own:
//   npx tsx portal/main.ts --port 24780 [--db .tmp/portal.sqlite] [--origin http://127.0.0.1:24780]
//       [--app-url http://127.0.0.1:24761] [--anchor root.pem ...] [--intermediate ca.pem ...] [--crl x.crl ...]
// Without --anchor it trusts the card lab's TEST hierarchy and CRLs (the demo and E2E set-up).
// The operator (VZVZ) pages /operator and /api/operator/* need a token: the environment variable
// ZORGID_OPERATOR_TOKEN (preferred: it stays out of `ps`) or --operator-token; without one they refuse.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemoClient } from './oidc/clients';
import { DEFAULT_PORTAL_PORT, createPortal, type PortalTrust } from './server';
import { SMARTCARD_CRL_PATH } from './smartcard';
import type { SmartcardCaConfig } from './smartcard-ca';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(DEFAULT_PORTAL_PORT) },
    db: { type: 'string', default: '.tmp/portal/portal.sqlite' },
    origin: { type: 'string' },
    'app-url': { type: 'string' },
    anchor: { type: 'string', multiple: true },
    intermediate: { type: 'string', multiple: true },
    crl: { type: 'string', multiple: true },
    'no-auto-enrol': { type: 'boolean', default: false },
    'operator-token': { type: 'string' },
  },
});

/** The card lab's TEST ZORG-ID Smartcard CA (demo and E2E); with --anchor no Smartcards are issued. */
async function labSmartcardCa(crlUrl: string): Promise<SmartcardCaConfig> {
  const { loadCardLab } = await import('../test/card-lab/pki');
  const pki = await loadCardLab();
  return { certDer: new Uint8Array(pki.smartcardCa.certDer), keyPkcs8Der: new Uint8Array(pki.smartcardCa.keyPkcs8Der), crlUrl };
}

async function labTrust(): Promise<PortalTrust> {
  const { loadCardLab, ISSUING_CAS } = await import('../test/card-lab/pki');
  const pki = await loadCardLab();
  return {
    trustAnchors: [new Uint8Array(pki.root)],
    intermediates: pki.intermediates.map((d) => new Uint8Array(d)),
    crls: { load: () => ISSUING_CAS.filter((c) => c !== 'unknown-root').map((c) => new Uint8Array(readFileSync(pki.paths.crl[c]))) },
  };
}

function fileTrust(): PortalTrust {
  const read = (files: string[] | undefined) => (files ?? []).map((f) => new Uint8Array(readFileSync(f)));
  const pemOrDer = (files: string[] | undefined) => (files ?? []).map((f) => {
    const text = readFileSync(f, 'latin1');
    return text.includes('-----BEGIN') ? text : new Uint8Array(readFileSync(f));
  });
  const crlFiles = values.crl;
  return { trustAnchors: pemOrDer(values.anchor), intermediates: pemOrDer(values.intermediate), crls: { load: () => read(crlFiles) } };
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Ongeldige poort: ${values.port}`);
  process.exit(2);
}
const dbPath = resolve(values.db!);
mkdirSync(dirname(dbPath), { recursive: true });

const portal = await createPortal({
  dbPath,
  port,
  origin: values.origin,
  appUrl: values['app-url'],
  trust: values.anchor?.length ? fileTrust() : await labTrust(),
  autoEnrolUsers: !values['no-auto-enrol'],
  operatorToken: process.env.ZORGID_OPERATOR_TOKEN || values['operator-token'] || undefined,
  // Issued Smartcard certificates point at this portal's own CRL of the Smartcard CA.
  smartcardCa: values.anchor?.length ? undefined : await labSmartcardCa(`${values.origin ?? `http://127.0.0.1:${port}`}${SMARTCARD_CRL_PATH}`),
});
// `npm start`: the example relying party's registration (examples/relying-party/), secret from the env.
const demoRp = process.env.ZORGID_DEMO_RP_URL;
if (demoRp && process.env.ZORGID_RP_CLIENT_SECRET) {
  const audit = (e: Parameters<typeof portal.store.audit>[0]) => portal.store.audit(e);
  const rng = (n: number) => new Uint8Array(randomBytes(n));
  await seedDemoClient({ store: portal.store.oidc, clock: Date.now, rng, audit }, { clientId: 'voorbeeld-epd', clientSecret: process.env.ZORGID_RP_CLIENT_SECRET, baseUrl: demoRp });
}
console.log(`ZORG-ID Portaal luistert op ${portal.url} (origin ${portal.origin}, database ${dbPath})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void portal.close().then(() => process.exit(0));
  });
}
