// The card host: a child process (child_process.fork now, Electron utilityProcess later) running the
// card backend, so a hung or crashing middleware can be killed without taking the app down.
import { createCardBackend } from '../card/card-backend';
import { zeroSecrets, type SmartcardService } from '../card/smartcard-port';
import { startReaderMonitor } from '../card/pcsc-adapter';
import { startTokenWorker } from '../card/token-worker-client';
import { combineTokenSources } from '../card/token-sources';
import { parseUziCertificate } from '@zorgid/uzi';
import { serializeError } from '../../../shared/errors';
import { hostLogEvent } from './host-log';
import { diagnoseHost, type DiagnosableSource } from './host-diagnose';
import { fromWire, toWire, type FromHost, type HostSettings, type HostTransport, type ToHost } from './host-protocol';
import { unseal, type SealedSecret } from './secret-seal';

function parentTransport(): HostTransport {
  // Electron's utilityProcess gives process.parentPort; fork() gives process.send.
  const port = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (ev: { data: unknown }) => void): void } }).parentPort;
  if (port) return { postMessage: (m) => port.postMessage(m), onMessage: (l) => port.on('message', (ev) => l(ev.data)) };
  if (!process.send) throw new Error('card host must be started with an IPC channel');
  return {
    postMessage: (m) => {
      // The parent may be gone (it kills us on a restart); nothing to report to then.
      if (process.connected) process.send!(m, undefined, undefined, () => undefined);
    },
    onMessage: (l) => process.on('message', l),
  };
}

export async function runCardHost(transport: HostTransport): Promise<void> {
  let backend: SmartcardService | undefined;
  let hostSettings: HostSettings | undefined;
  // The supervisor's key for the PINs it sends (secret-seal.ts).
  let sealKey: Buffer | undefined;
  const opened = (sealed: SealedSecret): Buffer => {
    if (!sealKey) throw new Error('card host not initialised');
    return unseal(sealKey, sealed);
  };
  const diagnosable: DiagnosableSource[] = [];
  const post = (m: FromHost) => transport.postMessage(m);

  const start = async (settings: HostSettings) => {
    hostSettings = settings;
    backend = createCardBackend({
      monitor: settings.pcsc ? startReaderMonitor() : null,
      tokens: () => {
        const uzi = startTokenWorker({ modulePath: settings.modulePath, candidates: settings.moduleCandidates, workerFile: settings.tokenWorkerFile });
        diagnosable.push({ role: 'uzi', configured: settings.modulePath, candidates: settings.moduleCandidates, diagnose: uzi.diagnose, readCertificates: uzi.readCertificates });
        if (!settings.smartcardModulePath || settings.smartcardModulePath === settings.modulePath) return uzi;
        const smartcard = startTokenWorker({ modulePath: settings.smartcardModulePath, candidates: [], workerFile: settings.tokenWorkerFile });
        diagnosable.push({ role: 'smartcard', configured: settings.smartcardModulePath, candidates: [], diagnose: smartcard.diagnose, readCertificates: smartcard.readCertificates });
        // A Smartcard module that fails hides only its own tokens: UZI logins go on; the Smartcard
        // screen then finds no blank card in that reader and says so.
        return combineTokenSources([{ key: 'u', access: uzi }, { key: 's', access: smartcard }]);
      },
      parseHolder: parseUziCertificate,
      clock: Date.now,
      warmUp: settings.warmUp ?? true,
      // Stuck in the middleware with no caller's deadline to notice: end this host, the supervisor
      // starts a new one (as after a crash).
      onWarmStuck: () => process.kill(process.pid, 'SIGKILL'),
    });
    // The first snapshot the parent gets is complete (the monitor has seen every reader's status):
    // after a restart that is the "re-read" subscribers rely on.
    await backend.readers().catch(() => undefined);
    backend.subscribe((event) => post({ t: 'event', event }));
    post({ t: 'log', event: { level: 'info', area: 'host', code: 'HOST_STARTED', fields: { pid: process.pid } } });
    post({ t: 'ready' });
  };

  const call = async (msg: Extract<ToHost, { t: 'call' }>) => {
    try {
      if (!backend) throw new Error('card host not initialised');
      let value: unknown;
      if (msg.method === 'readers') value = await backend.readers();
      else if (msg.method === 'read') value = await backend.read(msg.reader);
      else if (msg.method === 'diagnose') value = await diagnoseHost({ pcsc: hostSettings?.pcsc ?? false, readers: () => backend!.readers(), sources: diagnosable });
      else if (msg.method === 'smartcard') {
        const request = fromWire(msg.request, opened);
        try {
          const fn = backend.smartcardTokens()[msg.op] as (r: unknown) => Promise<unknown>;
          value = toWire(await fn(request));
        } finally {
          zeroSecrets(request);
        }
      } else {
        const pin = opened(msg.request.pin);
        const sig = await backend.sign({ ...msg.request, data: Buffer.from(msg.request.data, 'base64'), pin });
        value = sig.toString('base64');
      }
      post({ t: 'result', id: msg.id, ok: true, value } as FromHost);
    } catch (e) {
      const error = serializeError(e);
      post({ t: 'log', event: hostLogEvent(msg.method, error) });
      post({ t: 'result', id: msg.id, ok: false, error });
    }
  };

  transport.onMessage((raw) => {
    const msg = raw as ToHost;
    if (msg.t === 'init') {
      sealKey = Buffer.from(msg.sealKey, 'base64');
      void start(msg.settings);
    }
    else if (msg.t === 'call') void call(msg);
  });
  // Parent gone: leave at once. SIGKILL rather than exit(), which can wait forever on a token worker
  // stuck in the middleware.
  if (process.send) process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}

void runCardHost(parentTransport());
