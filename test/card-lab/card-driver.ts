// The card lab in a process of its own, driven line by line on stdin — for tests that must keep their
// own event loop busy while cards move (a swap that happens while the app is not listening):
//   insert <card> <reader>   remove <reader>   sleep <ms>   → one "ok <command>" (or "error …") line each.
import { createInterface } from 'node:readline';
import { startCardLab } from './controller';

const lab = await startCardLab();
const run = async (line: string): Promise<void> => {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === 'insert') await lab.insert(a!, { reader: Number(b ?? 0) });
  else if (cmd === 'remove') await lab.remove({ reader: Number(a ?? 0) });
  else if (cmd === 'sleep') await new Promise((r) => setTimeout(r, Number(a)));
  else throw new Error(`unknown command ${cmd}`);
};
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(() =>
    run(line).then(
      () => void process.stdout.write(`ok ${line.trim()}\n`),
      (e: unknown) => void process.stdout.write(`error ${e instanceof Error ? e.message : String(e)}\n`),
    ),
  );
}).on('close', () => {
  void queue.then(() => lab.close()).then(() => process.exit(0));
});
process.stdout.write('ready\n');
