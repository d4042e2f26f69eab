// `npm run bench`: one `BENCH <name> <value> <unit>` line per figure. Ratios compare our path with a
// baseline measured in the same run on the same machine, so they mean something on a busy 2-core box
// where absolute milliseconds do not; a figure with a floor prints it and the ratio on the same line.
// Every figure also goes to bench/results.json (name, value, unit, floor, ratio);
// `npm run bench -- --compare old.json` then prints the change per figure (bench/compare.ts), and
// `npm run bench -- sign handoff` runs only those groups (renderer validator portal-load sign insert
// handoff smartcard audit).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createCardHost } from '../src/main/core/host/supervisor';
import type { CardEvent } from '../src/shared/domain';
import { benchValidator } from '../portal/test/bench-validator';
import { benchHandoff } from './handoff';
import { benchOidcToken } from './oidc';
import { benchPortalLoad } from './portal-load';
import { benchPortalScale } from './portal-scale';
import { benchSmartcard } from './smartcard';
import { startCardLab } from '../test/card-lab/controller';
import { OPENSC_PKCS11, SOFTHSM_MODULE, labAvailability, ensurePcscd } from '../test/card-lab/pcscd';
import { openscLabEnv } from '../test/card-lab/opensc-conf';
import { loadCardLab } from '../test/card-lab/pki';
import { createSoftHsmToken } from '../test/card-lab/softhsm';
import { benchAuditLog } from './audit-log';
import { compareResults, formatChanges, parseResults } from './compare';
import { openRawPcsc } from './raw-pcsc';
import { bench, median, percentile, results } from './stats';

const root = new URL('..', import.meta.url).pathname;
// `npm run bench -- [figure…] [--compare old.json] [--out file]`
const args = process.argv.slice(2);
const optionValue = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith('--')) throw new Error(`${flag} needs a file`);
  args.splice(i, 2);
  return v;
};
const compareWith = optionValue('--compare');
const outFile = optionValue('--out') ?? join(root, 'bench/results.json');
const only = args;
const want = (name: string) => only.length === 0 || only.includes(name);

async function signOverhead(): Promise<void> {
  const pki = await loadCardLab();
  const auth = pki.cards['Z-huisarts'].auth!;
  const token = await createSoftHsmToken({ label: 'bench', objects: [{ id: auth.id, label: 'auth', certDer: auth.certDer, keyPkcs8Der: auth.keyPkcs8Der }] });
  const host = createCardHost({ modulePath: SOFTHSM_MODULE, pcsc: false, env: token.env as Record<string, string> });
  try {
    await host.read('SoftHSM'); // warm: module loaded, token found
    // Many short turns: load from the other agents on this box comes and goes within seconds.
    const rounds = 8;
    const perRound = 30;
    const ours: number[] = [];
    const raw: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Baseline and our path take turns so that load from elsewhere hits both alike.
      const out = execFileSync('npx', ['tsx', join(root, 'bench/raw-sign.ts'), SOFTHSM_MODULE, 'bench', token.pin, auth.id, String(perRound)], {
        env: { ...process.env, ...token.env },
        encoding: 'utf8',
      });
      raw.push(...(JSON.parse(out) as { times: number[] }).times);
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        await host.sign({ reader: 'SoftHSM', certificateId: auth.id, mechanism: 'SHA256_RSA_PKCS', data: Buffer.alloc(32, 7), pin: Buffer.from(token.pin) });
        ours.push(performance.now() - t0);
      }
    }
    // What isolation costs at the least: a sign crosses two round trips (app ⇄ card host ⇄ token
    // worker), each to a side that sat idle during the signature and must be woken. One empty call to
    // the host after the same idle time is the price of one such round trip.
    const hop: number[] = [];
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 1));
      const t0 = performance.now();
      await host.readers();
      hop.push(performance.now() - t0);
    }
    bench('sign-raw-graphene-p50', median(raw), 'ms');
    bench('sign-card-host-p50', median(ours), 'ms', 2, median(raw));
    bench('sign-card-host-extra-p50', median(ours) - median(raw), 'ms', 3);
    bench('card-host-idle-round-trip-p50', median(hop), 'ms', 3);
  } finally {
    await host.close();
    token.dispose();
  }
}

/**
 * The floor of insert → event: plain pcsclite in this process, on the same reader, seeing the same
 * insert (a card becomes present in its status change). Both listeners time one insert, so each cycle
 * gives a pair.
 */
async function rawPresence(readerName: string): Promise<{ next(): Promise<number>; close(): void }> {
  const pcsc = await openRawPcsc();
  let waiter: ((t: number) => void) | null = null;
  pcsc.on('reader', (r) => {
    r.on('error', () => undefined);
    if (r.name !== readerName) return;
    let present = false;
    r.on('status', (st) => {
      const now = (st.state & r.SCARD_STATE_PRESENT) !== 0;
      if (now && !present) waiter?.(performance.now());
      present = now;
    });
  });
  return { next: () => new Promise<number>((resolve) => (waiter = resolve)), close: () => pcsc.close() };
}

async function insertLatency(): Promise<void> {
  const lab0 = labAvailability();
  if (!lab0.ok) {
    console.log(`# insert-event latency skipped: ${lab0.reason}`);
    return;
  }
  await ensurePcscd();
  const lab = await startCardLab();
  // The bare event path: without warm-up, so pulling the card right after its event never lands in a
  // read of the card (OpenSC's hang, build-notes.md); the warm read runs in the token worker anyway.
  const host = createCardHost({ modulePath: OPENSC_PKCS11, env: openscLabEnv() as Record<string, string>, warmUp: false });
  const raw = await rawPresence(lab.readerName(0));
  const waiters: Array<{ type: CardEvent['type']; resolve: (t: number) => void }> = [];
  const unsubscribe = host.subscribe((e) => {
    const at = performance.now();
    const i = waiters.findIndex((w) => w.type === e.type && (e.type !== 'inserted' && e.type !== 'removed' ? false : e.reader === lab.readerName(0)));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(at);
  });
  const next = (type: CardEvent['type']) => new Promise<number>((resolve) => waiters.push({ type, resolve }));
  try {
    await host.whenReady();
    const cycles = 40;
    const ours: number[] = [];
    const floor: number[] = [];
    const extra: number[] = [];
    for (let i = 0; i < cycles; i++) {
      const inserted = next('inserted');
      const rawSeen = raw.next();
      const t0 = performance.now();
      await lab.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
      const [a, b] = await Promise.all([inserted, rawSeen]);
      ours.push(a - t0);
      floor.push(b - t0);
      extra.push(a - b);
      const removed = next('removed');
      await lab.remove({ reader: 0 });
      await removed;
      // Uneven spacing, so we do not phase-lock to pcscd's polling interval.
      await new Promise((r) => setTimeout(r, 50 + ((i * 37) % 250)));
    }
    bench('insert-event-p50', percentile(ours, 50), 'ms', 0, percentile(floor, 50));
    bench('insert-event-p95', percentile(ours, 95), 'ms', 0, percentile(floor, 95));
    // Per insert, our event after raw pcsclite's (target p95 ≤ 50 ms).
    bench('insert-event-extra-p95', percentile(extra, 95), 'ms', 0);
    bench('insert-event-cycles', cycles, 'n', 0);
  } finally {
    unsubscribe();
    raw.close();
    await host.close();
    await lab.close();
  }
}

function rendererSize(): void {
  const dir = join(root, 'dist/renderer');
  if (!existsSync(join(dir, 'index.html'))) {
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'ignore' });
    if (r.status !== 0) {
      console.log('# renderer-gzip skipped: the renderer build failed (npm run build)');
      return;
    }
  }
  let total = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|css|html)$/.test(e.name)) total += gzipSync(readFileSync(p), { level: 9 }).length;
    }
  };
  walk(dir);
  bench('renderer-gzip', total / 1024, 'KB', 1);
}

async function validator(): Promise<number> {
  const r = await benchValidator({ iterations: 250, rounds: 12 });
  bench('validator-raw-verify', r.rawVerifyMsPerToken, 'ms', 3);
  bench('validator-per-token', r.validatorMsPerToken, 'ms', 3, r.rawVerifyMsPerToken);
  bench('validator-new-card', r.validatorNewCardMsPerToken, 'ms', 3, r.rawVerifyMsPerToken);
  return r.validatorMsPerToken;
}

if (want('renderer')) rendererSize();
const validatorMs = want('validator') || want('portal-load') ? await validator() : null;
if (want('portal-load') && validatorMs !== null) await benchPortalLoad({ validatorMsPerToken: validatorMs });
if (want('sign')) await signOverhead();
if (want('insert')) await insertLatency();
if (want('handoff')) await benchHandoff({ rounds: 10 });
if (want('smartcard')) await benchSmartcard({ rounds: 6 });
if (want('portal-scale')) await benchPortalScale();
if (want('oidc')) await benchOidcToken({ rounds: 30 });
if (want('audit')) benchAuditLog();

writeFileSync(outFile, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
console.log(`# ${results.length} figures written to ${outFile}`);
if (compareWith) for (const line of formatChanges(compareResults(parseResults(readFileSync(compareWith, 'utf8')), results))) console.log(line);
process.exit(0);
