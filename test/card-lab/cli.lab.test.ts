// The card lab as a separate process (what the demo uses): commands over its HTTP control port.
// Shared with the PKI: @peculiar/x509 needs a Reflect metadata shim loaded first.
import './pki/reflect-shim';
import { fork, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { afterAll, describe, expect, it } from 'vitest';
import { labControl } from './cli';
import { requireLab, ensurePcscd, stopPcscd, type PcscdHandle } from './pcscd';

const run = promisify(execFile);
const lab = requireLab();
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const PORT = 35990 + 7;

describe.skipIf(lab.skip)(lab.title('card lab control process (cli.ts serve)'), () => {
  let child: ChildProcess | undefined;
  let pcscd: PcscdHandle | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    if (pcscd?.started) await stopPcscd();
  });

  it('inserts, reports, revokes and removes cards on command, then stops', async () => {
    // Started here so that the server finds pcscd running and leaves it to this test to stop.
    pcscd = await ensurePcscd();
    child = fork(CLI, ['serve', '--port', String(PORT)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
      child!.once('exit', (code) => reject(new Error(`cli.ts serve exited with ${code}`)));
    });

    expect(await labControl({ cmd: 'insert', card: 'N-medewerker', reader: 1 }, PORT)).toMatchObject({ ok: true, readerName: 'Virtual PCD 00 01', card: 'N-medewerker' });
    const { stdout } = await run('opensc-tool', ['-l']);
    expect(stdout).toMatch(/1\s+Yes\s+Virtual PCD 00 01/);
    expect(stdout).toMatch(/0\s+No\s+Virtual PCD 00 00/);

    await labControl({ cmd: 'pin-tries', n: 1, reader: 1 }, PORT);
    const state = await labControl({ cmd: 'state' }, PORT);
    expect(state).toMatchObject({ ok: true, readers: [{ reader: 0, card: null }, { reader: 1, card: 'N-medewerker', pinTriesLeft: 1 }] });

    const serial = 'c0ffee01';
    expect(await labControl({ cmd: 'revoke', serial }, PORT)).toMatchObject({ ok: true, revoked: expect.arrayContaining([serial]) });
    const crl = new x509.X509Crl(Buffer.from(await (await fetch(`http://127.0.0.1:${PORT}/crl`)).arrayBuffer()));
    expect(crl.entries.map((e) => e.serialNumber.toLowerCase())).toContain(serial);

    expect(await labControl({ cmd: 'insert', card: 'no-such-card' }, PORT)).toMatchObject({ ok: false, error: expect.stringContaining('unknown lab card') });
    expect(await labControl({ cmd: 'remove', reader: 1 }, PORT)).toEqual({ ok: true });
    expect(await labControl({ cmd: 'stop' }, PORT)).toEqual({ ok: true });
    const code = await new Promise((r) => (child!.exitCode !== null ? r(child!.exitCode) : child!.once('exit', r)));
    expect(code).toBe(0);
  });
});
