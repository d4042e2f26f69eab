// A throwaway child process that runs a script of PKCS#11 calls through graphene-pk11 and reports
// each result with its duration. Lab tests use it so that a PKCS#11 module is loaded once per process
// (C_Initialize) and so that OpenSC's deadlock on a pulled card (build-notes.md) can only hang a child
// the test kills. Run: `fork('test/card-lab/pkcs11-probe.ts', { execArgv: ['--import', 'tsx'], env })`.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ProbeStep =
  /** tokens present: slot description, token label, serial, flags */
  | { op: 'tokens' }
  /** waits until a token is present in the slot whose description contains `reader`; value: Date.now() then */
  | { op: 'waitToken'; reader: string; timeoutMs: number }
  | { op: 'login'; pin: string }
  | { op: 'logout' }
  | { op: 'flags' }
  | { op: 'readCert'; id: string }
  | { op: 'sign'; id: string; dataHex: string; mechanism?: string };

export interface ProbeRequest {
  module: string;
  /** slot selection for session steps: first slot whose description contains this (default: first token) */
  reader?: string;
  steps: ProbeStep[];
}

export type ProbeResult =
  | { ok: true; ms: number; value: unknown }
  | { ok: false; ms: number; error: { message: string; code?: number } };

const here = fileURLToPath(import.meta.url);

/** Runs `request` in a fresh child process; kills it after `timeoutMs`. */
export function runProbe(request: ProbeRequest, env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<ProbeResult[]> {
  return new Promise((resolve, reject) => {
    const child = fork(here, ['--probe-child'], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PKCS#11 probe did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as ProbeResult[]);
      child.kill();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PKCS#11 probe exited with ${code}`));
    });
    child.send(request);
  });
}

async function childMain(req: ProbeRequest): Promise<ProbeResult[]> {
  const graphene = await import('graphene-pk11');
  const mod = graphene.Module.load(req.module, 'probe');
  mod.initialize();
  const results: ProbeResult[] = [];
  let session: import('graphene-pk11').Session | undefined;
  const slotFor = (reader: string | undefined) => {
    const slots = mod.getSlots(true);
    for (let i = 0; i < slots.length; i++) {
      const s = slots.items(i);
      if (!reader || s.slotDescription.includes(reader)) return s;
    }
    throw new Error(`no token${reader ? ` in ${reader}` : ''}`);
  };
  const open = () => (session ??= slotFor(req.reader).open(graphene.SessionFlag.SERIAL_SESSION));
  const byId = (cls: number, id: string) => {
    const found = open().find({ class: cls, id: Buffer.from(id, 'hex') });
    if (found.length === 0) throw new Error(`no object class ${cls} with id ${id}`);
    return found.items(0);
  };
  for (const step of req.steps) {
    const t0 = performance.now();
    try {
      let value: unknown = null;
      switch (step.op) {
        case 'tokens': {
          const slots = mod.getSlots(true);
          const out = [];
          for (let i = 0; i < slots.length; i++) {
            const s = slots.items(i);
            const t = s.getToken();
            out.push({ slot: s.slotDescription.trim(), label: t.label.trim(), serial: t.serialNumber.trim(), flags: t.flags });
          }
          value = out;
          break;
        }
        case 'waitToken': {
          const until = Date.now() + step.timeoutMs;
          for (;;) {
            const slots = mod.getSlots(true);
            let found = false;
            for (let i = 0; i < slots.length; i++) found ||= slots.items(i).slotDescription.includes(step.reader);
            if (found) {
              value = Date.now();
              break;
            }
            if (Date.now() > until) throw new Error(`no token in ${step.reader} within ${step.timeoutMs} ms`);
            await new Promise((r) => setTimeout(r, 25));
          }
          break;
        }
        case 'login':
          open().login(step.pin, graphene.UserType.USER);
          break;
        case 'logout':
          open().logout();
          break;
        case 'flags':
          value = slotFor(req.reader).getToken().flags;
          break;
        case 'readCert':
          value = byId(graphene.ObjectClass.CERTIFICATE, step.id).getAttribute({ value: null }).value?.toString('hex');
          break;
        case 'sign': {
          const key = byId(graphene.ObjectClass.PRIVATE_KEY, step.id).toType<import('graphene-pk11').PrivateKey>();
          value = open().createSign(step.mechanism ?? 'SHA256_RSA_PKCS', key).once(Buffer.from(step.dataHex, 'hex')).toString('hex');
          break;
        }
      }
      results.push({ ok: true, ms: performance.now() - t0, value });
    } catch (e) {
      const err = e as Error & { code?: number };
      results.push({ ok: false, ms: performance.now() - t0, error: { message: err.message, code: err.code } });
    }
  }
  return results;
}

if (process.argv.includes('--probe-child') && process.send) {
  process.once('message', (req) => {
    childMain(req as ProbeRequest).then(
      (r) => process.send!(r),
      (e: unknown) => process.send!([{ ok: false, ms: 0, error: { message: (e as Error).message } }]),
    );
  });
}
