// Multi-user hosts (terminal servers, fast user switching; issue 15 item 7): 127.0.0.1 is shared by every
// OS user of the machine, so another user's browser can connect to this user's loopback listener.
// Where the OS says who holds the other end of a loopback connection, the listener answers only its
// own user, and sends anyone else's browser on to the listener that user's own app holds (one hop), or
// refuses with a clear page when that user runs none.
//
// Linux: /proc/net/tcp lists every IPv4 TCP socket of the machine with its owner's uid, so the peer of
// 127.0.0.1:<ours> ← 127.0.0.1:<theirs> is the socket whose local address is 127.0.0.1:<theirs>.
// Windows and macOS ask netstat + tasklist and lsof (peer-user-os.ts). Where none of this is
// available `peerUserLookup()` gives null, and a lookup that fails gives "unknown": then the listener
// behaves as on a single-user machine, as it did before this check existed.
import { readFileSync } from 'node:fs';
import type { PeerSocket, PeerUsers } from './peer-socket';
import { macPeerUsers, runCommand, windowsPeerUsers, type RunCommand } from './peer-user-os';

export type { PeerSocket, PeerUsers } from './peer-socket';

const LOOPBACK_HEX = '0100007F'; // 127.0.0.1, as /proc/net/tcp writes it on little-endian machines
const TCP_LISTEN = '0A';

/** Parses /proc/net/tcp (the header line and malformed lines are skipped). */
export function parseProcNetTcp(text: string): PeerSocket[] {
  const entries: PeerSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [local, remote, state, uid] = [f[1]!, f[2]!, f[3]!, f[7]!];
    const [lh, lp] = local.split(':');
    const [rh, rp] = remote.split(':');
    if (!lh || !lp || !rh || !rp || !/^\d+$/.test(uid)) continue;
    entries.push({
      localPort: parseInt(lp, 16),
      remotePort: parseInt(rp, 16),
      loopbackLocal: lh === LOOPBACK_HEX,
      loopbackRemote: rh === LOOPBACK_HEX,
      listening: state === TCP_LISTEN,
      owner: Number(uid),
    });
  }
  return entries;
}

export function linuxPeerUsers(self: number, read: () => string = () => readFileSync('/proc/net/tcp', 'utf8')): PeerUsers {
  return {
    self,
    async ownerOf({ remotePort, localPort }) {
      const hit = parseProcNetTcp(read()).find((e) => e.loopbackLocal && e.loopbackRemote && e.localPort === remotePort && e.remotePort === localPort);
      return hit ? hit.owner : null;
    },
    async listenerOf(user, ports) {
      const listening = parseProcNetTcp(read()).filter((e) => e.listening && e.loopbackLocal && e.owner === user);
      return ports.find((p) => listening.some((e) => e.localPort === p)) ?? null;
    },
  };
}

/** This platform's lookup, or null where the OS does not tell (see the header). */
export async function peerUserLookup(platform: NodeJS.Platform = process.platform, run: RunCommand = runCommand): Promise<PeerUsers | null> {
  try {
    if (platform === 'win32') return await windowsPeerUsers(run);
    if (typeof process.getuid !== 'function') return null;
    if (platform === 'darwin') return macPeerUsers(run, process.getuid());
    if (platform !== 'linux') return null;
    readFileSync('/proc/net/tcp', 'utf8');
    return linuxPeerUsers(process.getuid());
  } catch {
    return null;
  }
}
