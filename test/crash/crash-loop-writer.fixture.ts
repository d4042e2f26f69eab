// Child of the crash-durability test: writes to a store as fast as it can and acknowledges each write
// on stdout only after the store call returned (= what the app or portal would then answer). The
// parent kills it with SIGKILL at an arbitrary moment, mid-write.
//   crash-loop-writer <app|portal> <db>
import { openAppStore } from '../../src/main/core/store/app-store';
import { openSqliteStore } from '../../portal/store/sqlite-store';

const [kind, dbPath] = process.argv.slice(2);
if ((kind !== 'app' && kind !== 'portal') || !dbPath) throw new Error('usage: crash-loop-writer <app|portal> <db>');

/** A payload long enough that a write spans several pages, with its length in it to spot a torn one. */
const pad = (i: number) => `${i}:${'x'.repeat(3000 + (i % 7) * 500)}`;
const ack = (n: number) => process.stdout.write(`${n}\n`);

async function main(): Promise<void> {
  if (kind === 'app') {
    const store = openAppStore({ path: dbPath!, clock: Date.now });
    for (let i = 0; ; i += 1) {
      const { record } = store.appendAudit({ flow: 'login', step: 'crash-loop', outcome: 'ok', reader: `Virtual PCD ${i}` });
      ack(record.seq);
      if (i % 50 === 0) await new Promise((r) => setImmediate(r)); // let stdout drain
    }
  }
  const store = openSqliteStore(dbPath!);
  for (let i = 0; ; i += 1) {
    await store.audit({ at: Date.now(), actor: 'system', action: 'crash-loop', outcome: 'ok', detail: { i, pad: pad(i) } });
    ack(i + 1);
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
}

void main();
