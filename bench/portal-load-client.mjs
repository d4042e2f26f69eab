// The second process of the portal load bench (bench/portal-load.ts): autocannon posting the prepared
// tokens, each once, to the portal on loopback. Plain JS: autocannon ships no types.
// `node bench/portal-load-client.mjs <plan.json>` → one JSON line on stdout.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let next = 0;
const result = await autocannon({
  url: plan.url,
  connections: plan.connections,
  amount: plan.requests.length,
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => {
        const r = plan.requests[next++ % plan.requests.length];
        return { ...req, path: r.path, body: r.body };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    durationMs: result.duration * 1000,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  }),
);
