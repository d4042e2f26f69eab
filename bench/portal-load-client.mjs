// The second process of the portal load bench (bench/portal-load.ts): autocannon posting the prepared
// tokens, each once, to the portal on loopback. Plain JS: autocannon ships no types.
// `node bench/portal-load-client.mjs <plan.json>` → one JSON line on stdout.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let next = 0;
// autocannon's own `duration` ends at its next 1 s sample tick after the last answer, which made the
// rate a step function (1499 tokens took "1.01", "2.01" or "3.01" s); the clock here stops at the last answer.
let lastAnswer = 0;
const started = performance.now();
const result = await new Promise((resolve, reject) => {
  const run = autocannon({
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
  }, (err, r) => (err ? reject(err) : resolve(r)));
  run.on('response', () => (lastAnswer = performance.now()));
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    durationMs: lastAnswer - started,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  }),
);
