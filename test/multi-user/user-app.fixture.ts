// One OS user's app on a multi-user host, as far as the loopback handoff goes: the product's listener
// (default peer lookup: the OS's), bound to the first free port of the list, allowing one portal.
// Prints {"ready":port} once listening and {"handoff":id,"uid":n} for every flow it accepts.
//   user-app <portal origin> <port,port,…>
import { startLoopbackListener } from '../../src/main/core/handoff/loopback-listener';
import { createPortalClient } from '../../src/main/core/handoff/portal-client';

const [portal, portList] = process.argv.slice(2);
if (!portal || !portList) throw new Error('usage: user-app <portal> <ports>');
const ports = portList.split(',').map(Number);
const allow = () => [portal];
const listener = await startLoopbackListener({
  port: ports[0]!,
  fallbackPorts: ports.slice(1),
  clock: Date.now,
  rng: (n) => crypto.getRandomValues(new Uint8Array(n)),
  allowlist: allow,
  portal: createPortalClient({ allowlist: allow, timeoutMs: 2000 }),
  onHandoff: (flow) => {
    process.stdout.write(`${JSON.stringify({ handoff: flow.request.id, uid: process.getuid?.() })}\n`);
  },
});
process.stdout.write(`${JSON.stringify({ ready: listener.port })}\n`);
process.on('SIGTERM', () => void listener.close().then(() => process.exit(0)));
