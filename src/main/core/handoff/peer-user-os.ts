// Who holds the other end of a loopback connection on Windows and macOS (peer-user.ts has the why).
// Both ask a tool every such machine has, through a command port, and parse what it prints (tests run
// the parsers on captured output):
//
// Windows: `netstat -ano -p TCP` lists every TCP socket with its owning process id; `tasklist /fo csv
// /nh` gives each process's session number. The "user" is the session: on a terminal server every
// logged-on person has their own, also when one account is used twice.
// macOS: `lsof -nP -iTCP -F pun` lists the sockets of the processes this user may see, which are at
// least all of its own; a loopback peer that is not among them belongs to another user. The other
// user's own listener is then not visible, so that browser gets the refusal page instead of a redirect.
import { execFile } from 'node:child_process';
import type { PeerSocket, PeerUsers } from './peer-socket';

export type RunCommand = (command: string, args: readonly string[]) => Promise<string>;

/** The real command port: no shell, a deadline, and a cap on what is read. */
export const runCommand: RunCommand = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: 3_000, maxBuffer: 8 * 1024 * 1024, windowsHide: true, encoding: 'utf8' }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });

const LOOPBACK = '127.0.0.1';

function splitHostPort(text: string): { host: string; port: number } | null {
  const i = text.lastIndexOf(':');
  if (i <= 0) return null;
  const port = Number(text.slice(i + 1));
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? { host: text.slice(0, i), port } : null;
}

/**
 * `netstat -ano -p TCP`: "  TCP    127.0.0.1:24761    127.0.0.1:53422    ESTABLISHED     4242". Owner = pid.
 * The state column is in the system's language (Dutch Windows: "LUISTEREN", "TOT STAND GEBRACHT"), so
 * a listener is told by its foreign address 0.0.0.0:0, not by the word.
 */
export function parseNetstat(text: string): PeerSocket[] {
  const sockets: PeerSocket[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*TCP\s+(\S+)\s+(\S+)\s+.*?\s(\d+)\s*$/.exec(line);
    if (!m) continue;
    const local = splitHostPort(m[1]!);
    const remote = splitHostPort(m[2]!);
    if (!local || !remote) continue;
    sockets.push({
      localPort: local.port,
      remotePort: remote.port,
      loopbackLocal: local.host === LOOPBACK,
      loopbackRemote: remote.host === LOOPBACK,
      listening: remote.host === '0.0.0.0' && remote.port === 0,
      owner: Number(m[3]),
    });
  }
  return sockets;
}

/** `tasklist /fo csv /nh`: "\"msedge.exe\",\"4242\",\"RDP-Tcp#3\",\"3\",\"81.520 K\"" → pid → session number. */
export function parseTasklist(text: string): Map<number, number> {
  const sessions = new Map<number, number>();
  for (const line of text.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    if (cells.length < 4 || !/^\d+$/.test(cells[1]!) || !/^\d+$/.test(cells[3]!)) continue;
    sessions.set(Number(cells[1]), Number(cells[3]));
  }
  return sessions;
}

/**
 * `lsof -nP -iTCP -F pun`: a "p<pid>" line, a "u<uid>" line, then per socket "f<fd>" and "n<name>", where
 * the name is "127.0.0.1:53422->127.0.0.1:24761" (a connection) or "127.0.0.1:24761" (a listener).
 */
export function parseLsof(text: string): PeerSocket[] {
  const sockets: PeerSocket[] = [];
  let uid: number | null = null;
  for (const line of text.split('\n')) {
    const tag = line[0];
    const value = line.slice(1).trim();
    if (tag === 'p') uid = null;
    else if (tag === 'u') uid = /^\d+$/.test(value) ? Number(value) : null;
    else if (tag === 'n' && uid !== null) {
      const [localText, remoteText] = value.split('->');
      const local = splitHostPort(localText ?? '');
      const remote = remoteText ? splitHostPort(remoteText) : null;
      if (!local) continue;
      sockets.push({
        localPort: local.port,
        remotePort: remote?.port ?? 0,
        loopbackLocal: local.host === LOOPBACK,
        loopbackRemote: remote?.host === LOOPBACK,
        listening: remote === null,
        owner: uid,
      });
    }
  }
  return sockets;
}

const connectionFrom = (sockets: PeerSocket[], peer: { remotePort: number; localPort: number }) =>
  sockets.find((e) => e.loopbackLocal && e.loopbackRemote && e.localPort === peer.remotePort && e.remotePort === peer.localPort && !e.listening);

/** Windows: users are sessions; this app's session is asked once, at start. */
export async function windowsPeerUsers(run: RunCommand, pid: number = process.pid): Promise<PeerUsers | null> {
  const session = async (processId: number) => parseTasklist(await run('tasklist', ['/fo', 'csv', '/nh', '/fi', `PID eq ${processId}`])).get(processId) ?? null;
  const self = await session(pid);
  if (self === null) return null;
  return {
    self,
    async ownerOf(peer) {
      const hit = connectionFrom(parseNetstat(await run('netstat', ['-ano', '-p', 'TCP'])), peer);
      return hit ? session(hit.owner) : null;
    },
    async listenerOf(user, ports) {
      const [netstat, tasklist] = await Promise.all([run('netstat', ['-ano', '-p', 'TCP']), run('tasklist', ['/fo', 'csv', '/nh'])]);
      const sessions = parseTasklist(tasklist);
      const listening = parseNetstat(netstat).filter((e) => e.listening && e.loopbackLocal && sessions.get(e.owner) === user);
      return ports.find((p) => listening.some((e) => e.localPort === p)) ?? null;
    },
  };
}

/** On macOS another user's peer is seen only as "not one of ours"; its own listener stays unknown. */
export const OTHER_USER = -1;

export function macPeerUsers(run: RunCommand, self: number): PeerUsers {
  return {
    self,
    async ownerOf(peer) {
      // Only the sockets on the peer's port: both ends of this one connection, if they are ours.
      const sockets = parseLsof(await run('lsof', ['-nP', `-iTCP@${LOOPBACK}:${peer.remotePort}`, '-F', 'pun']));
      return connectionFrom(sockets, peer)?.owner ?? OTHER_USER;
    },
    async listenerOf() {
      return null;
    },
  };
}
