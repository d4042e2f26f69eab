// Child process for the crash test: appends audit records, notes how many append() calls returned,
// and kills itself with SIGKILL at once — no close(), no WAL checkpoint, no exit handlers.
import { writeFileSync } from 'node:fs';
import { openAppStore } from './app-store';

const [dbPath, markerPath, countArg] = process.argv.slice(2);
if (!dbPath || !markerPath) throw new Error('usage: crash-writer <db> <marker> <count>');
const store = openAppStore({ path: dbPath, clock: () => 1_764_000_000_000 });
const count = Number(countArg ?? '1');
let last = 0;
for (let i = 0; i < count; i += 1) {
  last = store.appendAudit({ flow: 'login', step: 'crash-test', outcome: 'ok', reader: `Reader ${i}` }).record.seq;
}
writeFileSync(markerPath, String(last));
process.kill(process.pid, 'SIGKILL');
