// The loopback listener cannot be starved (issue 15 item 3). Any local process can connect to
// 127.0.0.1: one that opens many connections and sends nothing, or sends its headers a byte at a time,
// must not keep a browser's handoff out. Node's `maxConnections` refuses the newcomer, which is exactly
// the legitimate browser during a flood; instead every connection is admitted and, above the cap, the
// oldest connection that has no request being answered is dropped. A browser sends its request line
// and headers at once, so it is past the point of eviction within a millisecond, while idle and slow
// connections stay evictable until Node's headersTimeout drops them anyway. Nothing to do when the
// flood ends: evicted sockets are gone and the cap frees itself.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionGuardStats {
  open: number;
  evicted: number;
}

export function guardConnections(server: Server, options: { max: number }): () => ConnectionGuardStats {
  /** Insertion order is age; `answering` while a request on it is being handled. */
  const sockets = new Map<Socket, { answering: number }>();
  let evicted = 0;

  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { answering: 0 });
    socket.once('close', () => sockets.delete(socket));
    // Without a handler a reset by the peer would be an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    while (sockets.size > options.max) {
      let victim: Socket | undefined;
      for (const [s, state] of sockets) {
        if (s !== socket && state.answering === 0) {
          victim = s;
          break;
        }
      }
      // Every other connection is being answered: the newcomer waits its turn by being refused.
      victim ??= socket;
      sockets.delete(victim);
      victim.destroy();
      evicted += 1;
      if (victim === socket) break;
    }
  });

  server.on('request', (req, res) => {
    const state = sockets.get(req.socket);
    if (!state) return;
    state.answering += 1;
    res.once('close', () => {
      state.answering -= 1;
    });
  });

  return () => ({ open: sockets.size, evicted });
}
