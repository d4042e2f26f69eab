// What the peer lookups of every OS answer with (peer-user.ts, peer-user-os.ts).

export interface PeerUsers {
  /** The OS user this app runs as. */
  self: number;
  /** Owner of the socket at the other end of a loopback connection; null when the OS does not say. */
  ownerOf(peer: { remotePort: number; localPort: number }): Promise<number | null>;
  /** The port among `ports` on which `user` has a loopback listener, if any. */
  listenerOf(user: number, ports: readonly number[]): Promise<number | null>;
}

/** One TCP socket as the OS lists it; `owner` is a uid (Linux, macOS) or a session (Windows). */
export interface PeerSocket {
  localPort: number;
  remotePort: number;
  loopbackLocal: boolean;
  loopbackRemote: boolean;
  listening: boolean;
  owner: number;
}
