// The card lab as a standalone process for the demo and for poking at it by hand.
//
//   npx tsx test/card-lab/cli.ts serve [--port 35990] [--throwaway]   starts pcscd if needed + the lab
//   npx tsx test/card-lab/cli.ts insert Z-huisarts [--reader 0] [--pin 123456] [--tries 3] [--atr HEX]
//   npx tsx test/card-lab/cli.ts remove [--reader 0]
//   npx tsx test/card-lab/cli.ts pin-tries 1 [--reader 0]
//   npx tsx test/card-lab/cli.ts hang [--reader 0] [--off]
//   npx tsx test/card-lab/cli.ts delay 200 [--reader 0]
//   npx tsx test/card-lab/cli.ts revoke <serial-hex> [--ca zorgverlener]
//   npx tsx test/card-lab/cli.ts state | stop
//
// `serve` holds the vpcd sockets (a card is "in" only while a process holds its socket), so every other
// command is an HTTP call to it: POST http://127.0.0.1:<port>/<command> with a JSON body, answering
// JSON ({ ok: true, ... } or { ok: false, error }). The demo can call the same endpoints directly
// (see `labControl()`). Port: --port, else $ZORGID_LAB_PORT, else 35990.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { startCardLab, type CardLab } from './controller';
import { ensurePcscd, stopPcscd } from './pcscd';

export const LAB_CONTROL_PORT = Number(process.env.ZORGID_LAB_PORT ?? 35990);

export type LabCommand =
  | { cmd: 'insert'; card: string; reader?: number; pin?: string; pinTries?: number; atr?: string }
  | { cmd: 'remove'; reader?: number }
  | { cmd: 'pin-tries'; n: number; reader?: number }
  | { cmd: 'hang'; reader?: number; on?: boolean }
  | { cmd: 'delay'; ms: number; reader?: number }
  | { cmd: 'revoke'; serial: string; ca?: string }
  | { cmd: 'state' }
  | { cmd: 'stop' };

export type LabReply = { ok: true; [k: string]: unknown } | { ok: false; error: string };

/** Sends one command to a running `cli.ts serve`. */
export async function labControl(command: LabCommand, port = LAB_CONTROL_PORT): Promise<LabReply> {
  const { cmd, ...body } = command;
  const res = await fetch(`http://127.0.0.1:${port}/${cmd}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as LabReply;
}

function state(lab: CardLab) {
  return [0, 1].map((reader) => {
    const c = lab.card({ reader });
    return { reader, readerName: lab.readerName(reader), card: c?.cardId ?? null, pinTriesLeft: c?.applet.pinTriesLeft ?? null, apdus: c?.applet.apduCount ?? 0 };
  });
}

async function execute(lab: CardLab, command: LabCommand): Promise<LabReply> {
  switch (command.cmd) {
    case 'insert': {
      const c = await lab.insert(command.card, command);
      return { ok: true, reader: c.reader, readerName: c.readerName, card: c.cardId };
    }
    case 'remove':
      await lab.remove(command);
      return { ok: true };
    case 'pin-tries':
      lab.setPinTries(command.n, command);
      return { ok: true };
    case 'hang':
      lab.hang(command);
      return { ok: true };
    case 'delay':
      lab.setApduDelay(command.ms, command);
      return { ok: true };
    case 'revoke':
      lab.crl.revoke(command.serial, command.ca);
      return { ok: true, revoked: lab.crl.revoked(command.ca) };
    case 'state':
      return { ok: true, readers: state(lab) };
    case 'stop':
      return { ok: true };
  }
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      s += c;
      if (s.length > 65536) reject(new Error('body too large'));
    });
    req.on('end', () => {
      try {
        const v: unknown = s ? JSON.parse(s) : {};
        resolve(typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

export async function serve(opts: { port?: number; throwaway?: boolean } = {}): Promise<{ close(): Promise<void>; port: number }> {
  const pcscd = await ensurePcscd();
  const lab = await startCardLab(opts.throwaway ? { pki: 'throwaway' } : {});
  let closing: Promise<void> | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = (code: number, body: LabReply) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void (async () => {
      try {
        if (req.method === 'GET' && url.pathname === '/crl') {
          const der = await lab.crl.der(url.searchParams.get('ca') ?? undefined);
          res.writeHead(200, { 'content-type': 'application/pkix-crl' });
          return res.end(der);
        }
        if (req.method !== 'POST') return reply(405, { ok: false, error: 'POST only' });
        const body = await readJson(req);
        const command = { ...body, cmd: url.pathname.slice(1) } as LabCommand;
        const r = await execute(lab, command);
        reply(200, r);
        if (command.cmd === 'stop') void close();
      } catch (e) {
        reply(400, { ok: false, error: (e as Error).message });
      }
    })();
  });
  const port = opts.port ?? LAB_CONTROL_PORT;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const close = () =>
    (closing ??= (async () => {
      server.close();
      server.closeAllConnections();
      await lab.close();
      // Leave a pcscd running that was running before us.
      if (pcscd.started) await stopPcscd();
    })());
  return { close, port };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  const port = Number(flag(args, '--port') ?? LAB_CONTROL_PORT);
  const reader = flag(args, '--reader') === undefined ? undefined : Number(flag(args, '--reader'));
  const positional = args[0] && !args[0].startsWith('--') ? args[0] : undefined;
  if (cmd === 'serve') {
    const s = await serve({ port, throwaway: args.includes('--throwaway') });
    console.log(`card lab listening on http://127.0.0.1:${s.port} (readers: Virtual PCD 00 00, Virtual PCD 00 01)`);
    const stop = () => void s.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return -1;
  }
  let command: LabCommand;
  switch (cmd) {
    case 'insert':
      if (!positional) throw new Error('insert <card-id>');
      command = { cmd, card: positional, reader, pin: flag(args, '--pin'), atr: flag(args, '--atr'),
        pinTries: flag(args, '--tries') === undefined ? undefined : Number(flag(args, '--tries')) };
      break;
    case 'remove':
      command = { cmd, reader };
      break;
    case 'pin-tries':
      command = { cmd, n: Number(positional), reader };
      break;
    case 'hang':
      command = { cmd, reader, on: !args.includes('--off') };
      break;
    case 'delay':
      command = { cmd, ms: Number(positional), reader };
      break;
    case 'revoke':
      if (!positional) throw new Error('revoke <serial-hex>');
      command = { cmd, serial: positional, ca: flag(args, '--ca') };
      break;
    case 'state':
    case 'stop':
      command = { cmd };
      break;
    default:
      console.error('usage: cli.ts serve|insert|remove|pin-tries|hang|delay|revoke|state|stop (see file header)');
      return 2;
  }
  const r = await labControl(command, port);
  console.log(JSON.stringify(r));
  return r.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (e: unknown) => {
      console.error((e as Error).message);
      process.exit(1);
    },
  );
}
