// The peer lookup against this machine's real /proc/net/tcp (Linux): a loopback connection made by this
// process is owned by this process's user, and this process's listener is found by its user.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { linuxPeerUsers, parseProcNetTcp, peerUserLookup } from './peer-user';

const linux = process.platform === 'linux';
let server: Server | undefined;
let client: Socket | undefined;
afterEach(async () => {
  client?.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe('peer users', () => {
  it('parses /proc/net/tcp lines and skips the header and junk', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:60D9 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 1 1',
      '   1: 0100007F:D431 0100007F:60D9 01 00000000:00000000 00:00000000 00000000  1002        0 2 1',
      'garbage',
    ].join('\n');
    expect(parseProcNetTcp(text)).toEqual([
      { localPort: 24793, remotePort: 0, loopbackLocal: true, loopbackRemote: false, listening: true, uid: 1001 },
      { localPort: 54321, remotePort: 24793, loopbackLocal: true, loopbackRemote: true, listening: false, uid: 1002 },
    ]);
    const users = linuxPeerUsers(1001, () => text);
    expect(users.ownerOf({ remotePort: 54321, localPort: 24793 })).toBe(1002);
    expect(users.ownerOf({ remotePort: 1, localPort: 24793 })).toBeNull();
    expect(users.listenerOf(1001, [24792, 24793])).toBe(24793);
    expect(users.listenerOf(1002, [24793])).toBeNull();
  });

  it.skipIf(!linux)('finds the owner of a real loopback connection and of a real listener', async () => {
    server = createServer();
    await new Promise<void>((r) => server!.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    const port = (server.address() as AddressInfo).port;
    const accepted = new Promise<Socket>((r) => server!.once('connection', r));
    client = connect({ host: '127.0.0.1', port });
    const socket = await accepted;
    const users = peerUserLookup('linux')!;
    expect(users.self).toBe(process.getuid!());
    expect(users.ownerOf({ remotePort: socket.remotePort!, localPort: port })).toBe(process.getuid!());
    expect(users.listenerOf(process.getuid!(), [1, port])).toBe(port);
    expect(peerUserLookup('win32')).toBeNull();
  });
});
