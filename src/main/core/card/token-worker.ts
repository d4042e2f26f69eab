// Worker-thread entry that owns the PKCS#11 module inside the card host. Middleware calls are
// synchronous and can hang for good (OpenSC 0.23 after a pull, build-notes.md); here they block only
// this thread, so the host's main thread keeps reporting reader events and the supervisor can decide
// to kill the host.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError, serializeError } from '../../../shared/errors';
import { loadedModule, openPkcs11 } from './pkcs11-adapter';
import { diagnoseModule } from './pkcs11-diagnose-adapter';
import type { SmartcardTokenAccess } from './smartcard-token';
import { fromWire, type TokenWorkerData, type TokenWorkerRequest, type TokenWorkerResponse } from './token-worker-client';

const data = workerData as TokenWorkerData;
let access: SmartcardTokenAccess | undefined;
const tokens = (): SmartcardTokenAccess => (access ??= openPkcs11(data.modulePath, data.candidates));

async function handle(req: TokenWorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'listTokens':
      return tokens().listTokens();
    case 'readCertificates':
      return tokens().readCertificates(req.slotId);
    case 'sign': {
      // A view of the transferred memory, not a copy: the adapter zeroes the only one.
      const pin = Buffer.from(req.pin.buffer, req.pin.byteOffset, req.pin.byteLength);
      return tokens().sign({ ...req.request, data: Buffer.from(req.request.data), pin });
    }
    case 'diagnose':
      tokens();
      return diagnoseModule(loadedModule()!);
    case 'smartcard': {
      const fn = tokens()[req.method] as ((r: unknown) => Promise<unknown>) | undefined;
      if (typeof fn !== 'function') throw new AppError('ERR_INTERNAL', { method: req.method });
      return fn(fromWire(req.request));
    }
    default:
      throw new AppError('ERR_INTERNAL', { op: (req as { op: string }).op });
  }
}

parentPort?.on('message', (req: TokenWorkerRequest) => {
  void handle(req).then(
    (value) => parentPort?.postMessage({ id: req.id, ok: true, value } satisfies TokenWorkerResponse),
    (err: unknown) => parentPort?.postMessage({ id: req.id, ok: false, error: serializeError(err) } satisfies TokenWorkerResponse),
  );
});
