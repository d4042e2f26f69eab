// The Windows and macOS peer lookups on output captured from those systems (a Dutch Windows Server
// 2019 terminal server with two sessions, and a macOS 14 machine with fast user switching), through
// the command port; the real commands run in the release workflow's Windows and macOS jobs.
import { describe, expect, it } from 'vitest';
import { OTHER_USER, macPeerUsers, parseLsof, parseNetstat, parseTasklist, windowsPeerUsers, type RunCommand } from './peer-user-os';

// netstat -ano -p TCP, Dutch Windows: localised headers and states.
const NETSTAT_NL = [
  '',
  'Actieve verbindingen',
  '',
  '  Proto  Lokaal adres           Extern adres           Status          PID',
  '  TCP    0.0.0.0:135            0.0.0.0:0              LUISTEREN       1012',
  '  TCP    0.0.0.0:3389           0.0.0.0:0              LUISTEREN       1184',
  '  TCP    127.0.0.1:24761        0.0.0.0:0              LUISTEREN       6120',
  '  TCP    127.0.0.1:24762        0.0.0.0:0              LUISTEREN       7344',
  '  TCP    127.0.0.1:24761        127.0.0.1:53422        TOT STAND GEBRACHT 6120',
  '  TCP    127.0.0.1:53422        127.0.0.1:24761        TOT STAND GEBRACHT 8812',
  '  TCP    127.0.0.1:53430        127.0.0.1:24761        TIME_WAIT       0',
  '  TCP    10.20.30.41:49711      52.97.146.162:443      TOT STAND GEBRACHT 8812',
  '  TCP    [::]:135               [::]:0                 LUISTEREN       1012',
].join('\r\n');

// tasklist /fo csv /nh: image, pid, session name, session number, memory (Dutch thousands separator).
const TASKLIST = [
  '"System Idle Process","0","Services","0","8 K"',
  '"svchost.exe","1012","Services","0","12.344 K"',
  '"ZORG-ID Desktop.exe","6120","RDP-Tcp#3","3","96.120 K"',
  '"ZORG-ID Desktop.exe","7344","RDP-Tcp#5","5","95.880 K"',
  '"msedge.exe","8812","RDP-Tcp#5","5","181.520 K"',
].join('\r\n');

// lsof -nP -iTCP@127.0.0.1:53422 -F pun on macOS: the browser's end and the app's end of one connection.
const LSOF_OURS = ['p8812', 'u501', 'f27', 'n127.0.0.1:53422->127.0.0.1:24761', 'p6120', 'u501', 'f33', 'n127.0.0.1:24761->127.0.0.1:53422', ''].join('\n');
// The same query when the browser belongs to another user: only our end is visible.
const LSOF_THEIRS = ['p6120', 'u501', 'f33', 'n127.0.0.1:24761->127.0.0.1:53422', ''].join('\n');

function commands(outputs: Record<string, string>): { run: RunCommand; calls: string[] } {
  const calls: string[] = [];
  const run: RunCommand = async (command, args) => {
    const key = [command, ...args].join(' ');
    calls.push(key);
    const hit = Object.entries(outputs).find(([prefix]) => key.startsWith(prefix));
    if (!hit) throw new Error(`unexpected command ${key}`);
    return hit[1];
  };
  return { run, calls };
}

describe('Windows: netstat and tasklist', () => {
  it('reads sockets whatever the language of the state column', () => {
    const sockets = parseNetstat(NETSTAT_NL);
    expect(sockets).toHaveLength(9);
    expect(sockets.filter((s) => s.listening && s.loopbackLocal).map((s) => [s.localPort, s.owner])).toEqual([
      [24761, 6120],
      [24762, 7344],
    ]);
    expect(sockets.find((s) => s.localPort === 53422)).toEqual({ localPort: 53422, remotePort: 24761, loopbackLocal: true, loopbackRemote: true, listening: false, owner: 8812 });
  });

  it('reads process sessions from tasklist', () => {
    expect(parseTasklist(TASKLIST)).toEqual(new Map([[0, 0], [1012, 0], [6120, 3], [7344, 5], [8812, 5]]));
  });

  it('tells the other session\'s browser and finds that session\'s own app', async () => {
    const { run } = commands({
      'tasklist /fo csv /nh /fi PID eq 6120': TASKLIST.split('\r\n')[2]!,
      'tasklist /fo csv /nh /fi PID eq 8812': TASKLIST.split('\r\n')[4]!,
      'tasklist /fo csv /nh': TASKLIST,
      'netstat -ano -p TCP': NETSTAT_NL,
    });
    const users = (await windowsPeerUsers(run, 6120))!;
    expect(users.self).toBe(3);
    expect(await users.ownerOf({ remotePort: 53422, localPort: 24761 })).toBe(5);
    expect(await users.ownerOf({ remotePort: 50000, localPort: 24761 })).toBeNull();
    expect(await users.listenerOf(5, [24761, 24762, 24763])).toBe(24762);
    expect(await users.listenerOf(7, [24761, 24762])).toBeNull();
  });

  it('gives no lookup when the app\'s own session cannot be told', async () => {
    const { run } = commands({ 'tasklist': '' });
    expect(await windowsPeerUsers(run, 6120)).toBeNull();
  });
});

describe('macOS: lsof', () => {
  it('reads both ends of a connection and a listener with their uid', () => {
    expect(parseLsof(['p6120', 'u501', 'f31', 'n127.0.0.1:24761', 'f33', 'n127.0.0.1:24761->127.0.0.1:53422'].join('\n'))).toEqual([
      { localPort: 24761, remotePort: 0, loopbackLocal: true, loopbackRemote: false, listening: true, owner: 501 },
      { localPort: 24761, remotePort: 53422, loopbackLocal: true, loopbackRemote: true, listening: false, owner: 501 },
    ]);
  });

  it('knows our own browser, and a browser it cannot see is another user\'s (no redirect: refused)', async () => {
    const ours = macPeerUsers(commands({ lsof: LSOF_OURS }).run, 501);
    expect(await ours.ownerOf({ remotePort: 53422, localPort: 24761 })).toBe(501);
    const { run, calls } = commands({ lsof: LSOF_THEIRS });
    const theirs = macPeerUsers(run, 501);
    expect(await theirs.ownerOf({ remotePort: 53422, localPort: 24761 })).toBe(OTHER_USER);
    expect(await theirs.listenerOf(OTHER_USER, [24761, 24762])).toBeNull();
    expect(calls).toEqual(['lsof -nP -iTCP@127.0.0.1:53422 -F pun']);
  });
});
