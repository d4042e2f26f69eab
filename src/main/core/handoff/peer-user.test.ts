// The peer lookup against this machine's real /proc/net/tcp (Linux): a loopback connection made by this
// process is owned by this process's user, and this process's listener is found by its user.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { linuxPeerUsers, parseProcNetTcp, peerUserLookup } from './peer-user';

const supported = ['linux', 'win32', 'darwin'].includes(process.platform);
let server: Server | undefined;
let client: Socket | undefined;
afterEach(async () => {
  client?.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe('peer users', () => {
  it('parses /proc/net/tcp lines and skips the header and junk', async () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:60D9 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 1 1',
      '   1: 0100007F:D431 0100007F:60D9 01 00000000:00000000 00:00000000 00000000  1002        0 2 1',
      'garbage',
    ].join('\n');
    expect(parseProcNetTcp(text)).toEqual([
      { localPort: 24793, remotePort: 0, loopbackLocal: true, loopbackRemote: false, listening: true, owner: 1001 },
      { localPort: 54321, remotePort: 24793, loopbackLocal: true, loopbackRemote: true, listening: false, owner: 1002 },
    ]);
    const users = linuxPeerUsers(1001, () => text);
    expect(await users.ownerOf({ remotePort: 54321, localPort: 24793 })).toBe(1002);
    expect(await users.ownerOf({ remotePort: 1, localPort: 24793 })).toBeNull();
    expect(await users.listenerOf(1001, [24792, 24793])).toBe(24793);
    expect(await users.listenerOf(1002, [24793])).toBeNull();
  });

  // Runs on Linux here, and on Windows and macOS in the release workflow's jobs (real netstat,
  // tasklist and lsof): this process's own connection is its own user's.
  it.skipIf(!supported)(`finds the owner of a real loopback connection and of a real listener (${process.platform})`, async () => {
    server = createServer();
    await new Promise<void>((r) => server!.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    const port = (server.address() as AddressInfo).port;
    const accepted = new Promise<Socket>((r) => server!.once('connection', r));
    client = connect({ host: '127.0.0.1', port });
    const socket = await accepted;
    const users = (await peerUserLookup())!;
    expect(users).not.toBeNull();
    if (process.platform !== 'win32') expect(users.self).toBe(process.getuid!());
    expect(await users.ownerOf({ remotePort: socket.remotePort!, localPort: port })).toBe(users.self);
    // macOS cannot see another user's listener, and needs not find its own.
    if (process.platform !== 'darwin') expect(await users.listenerOf(users.self, [1, port])).toBe(port);
    // Where the tools are missing or fail, there is no lookup (single-user behaviour).
    expect(await peerUserLookup('win32', async () => { throw new Error('no tasklist'); })).toBeNull();
    expect(await peerUserLookup('aix')).toBeNull();
  });
});
