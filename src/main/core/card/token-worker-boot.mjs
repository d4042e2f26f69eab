// Development/test bootstrap: lets a worker thread run token-worker.ts through tsx (a worker does not
// inherit the parent's `--import tsx`). Built apps start the compiled worker file directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
