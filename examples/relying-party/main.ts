// Runs the example relying party (started by `npm start` beside the reference portal):
//   ZORGID_RP_CLIENT_SECRET=… npx tsx examples/relying-party/main.ts --issuer http://127.0.0.1:24780/oidc \
//     --client-id voorbeeld-epd [--port 24790]
// The secret comes from the environment (it stays out of `ps`).
import { parseArgs } from 'node:util';
import { startRelyingParty } from './relying-party';

const { values } = parseArgs({
  options: {
    issuer: { type: 'string', default: 'http://127.0.0.1:24780/oidc' },
    'client-id': { type: 'string', default: 'voorbeeld-epd' },
    port: { type: 'string', default: '24790' },
  },
});
const secret = process.env.ZORGID_RP_CLIENT_SECRET;
if (!secret) {
  console.error('ZORGID_RP_CLIENT_SECRET ontbreekt (het client secret van deze toepassing bij ZORG-ID).');
  process.exit(2);
}
const rp = await startRelyingParty({ issuer: values.issuer!, clientId: values['client-id']!, clientSecret: secret, port: Number(values.port) });
console.log(`Voorbeeld-EPD (relying party) luistert op ${rp.url}/`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void rp.close().then(() => process.exit(0)));
