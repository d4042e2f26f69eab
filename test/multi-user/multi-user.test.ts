// Multi-user hosts (issue 15 item 7) with real OS users on this machine: two users each run their own
// app (the product's loopback listener, as that user), on one shared 127.0.0.1. Each user's browser (a
// process running as that user) ends at its own app; no browser ever reaches another user's app's
// flow; a user without an app gets a clear refusal. Needs root to create the users (CI runs as root):
// elsewhere it skips with that message, and under CI=true it fails instead.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePortal, testId, type FakePortal } from '../../src/main/core/handoff/test-portal.fixture';

const root = new URL('../..', import.meta.url).pathname;
const canRun = process.platform === 'linux' && process.getuid?.() === 0;
if (!canRun && process.env.CI === 'true') throw new Error('multi-user test: CI must run as root on Linux (it creates two OS users)');
const why = 'multi-user test skipped: needs root on Linux to create two OS users (CI runs it)';
if (!canRun) console.log(why);

const USERS = ['zorgid-user-a', 'zorgid-user-b', 'zorgid-user-c'] as const;
// Ports of their own, so a developer's running app on 24761 is not in the way.
const PORTS = [34761, 34762, 34763, 34764];

function ensureUser(name: string): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  }
  return { uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' })) };
}

function runAs(user: { uid: number; gid: number }, fixture: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', `${root}test/multi-user/${fixture}`, ...args], {
    cwd: root,
    uid: user.uid,
    gid: user.gid,
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TMPDIR: '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface UserApp {
  child: ChildProcess;
  port: number;
  handoffs: string[];
}

async function startApp(user: { uid: number; gid: number }, portal: FakePortal): Promise<UserApp> {
  const child = runAs(user, 'user-app.fixture.ts', [portal.origin, PORTS.join(',')]);
  const handoffs: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { ready?: number; handoff?: string };
      if (msg.ready) {
        clearTimeout(timer);
        resolve(msg.ready);
      }
      if (msg.handoff) handoffs.push(msg.handoff);
    });
    child.once('exit', (code) => reject(new Error(`app exited ${code}: ${stderr}`)));
  });
  return { child, port, handoffs };
}

interface Hop {
  url: string;
  status: number;
  location: string | null;
  code: string | null;
}

function browse(user: { uid: number; gid: number }, url: string): Promise<Hop[]> {
  const child = runAs(user, 'browser.fixture.ts', [url]);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Hop[]) : reject(new Error(`browser: ${err}`)))));
}

describe.skipIf(!canRun)('two OS users, two apps, one 127.0.0.1', () => {
  let portal: FakePortal;
  let a: UserApp;
  let b: UserApp;
  const users = canRun ? Object.fromEntries(USERS.map((u) => [u, ensureUser(u)])) : {};
  const ua = users['zorgid-user-a']!;
  const ub = users['zorgid-user-b']!;
  const uc = users['zorgid-user-c']!;
  const link = (n: number) => `http://127.0.0.1:${PORTS[0]}/handoff?portal=${encodeURIComponent(portal.origin)}&request=${testId(n)}`;

  beforeAll(async () => {
    portal = await startFakePortal(Date.now);
    portal.answerRequests();
    a = await startApp(ua, portal);
    b = await startApp(ub, portal);
  }, 60_000);

  afterAll(async () => {
    a?.child.kill('SIGTERM');
    b?.child.kill('SIGTERM');
    await portal?.close();
  });

  it("each app holds its own port; user A's browser ends at A's app", async () => {
    expect(a.port).toBe(PORTS[0]);
    expect(b.port).toBe(PORTS[1]);
    const hops = await browse(ua, link(1));
    expect(hops).toHaveLength(1);
    expect(hops[0]).toMatchObject({ status: 303 });
    expect(hops[0]!.location).toMatch(new RegExp(`^${portal.origin}/handoff/${testId(1)}/wait\\?bc=`));
    expect(a.handoffs).toEqual([testId(1)]);
  }, 30_000);

  it("user B's browser is sent on to B's own app, in one hop, and only B's app takes the flow", async () => {
    const hops = await browse(ub, link(2));
    expect(hops.map((h) => h.status)).toEqual([307, 303]);
    expect(hops[0]!.location).toBe(link(2).replace(`:${PORTS[0]}/`, `:${PORTS[1]}/`));
    expect(hops[1]!.location).toMatch(new RegExp(`^${portal.origin}/handoff/${testId(2)}/wait\\?bc=`));
    await new Promise((r) => setTimeout(r, 200));
    expect(b.handoffs).toEqual([testId(2)]);
    expect(a.handoffs).not.toContain(testId(2));
  }, 30_000);

  it("B's browser aimed at A's port directly, or at /status, gets nothing of A's app", async () => {
    const status = await browse(ub, `http://127.0.0.1:${a.port}/status`);
    expect(status[0]).toMatchObject({ status: 403, code: 'ERR_HANDOFF_OTHER_USER' });
    const toB = await browse(ua, link(3).replace(`:${PORTS[0]}/`, `:${PORTS[1]}/`));
    expect(toB.map((h) => h.status)).toEqual([307, 303]);
    expect(a.handoffs).toContain(testId(3));
    expect(b.handoffs).not.toContain(testId(3));
  }, 30_000);

  it('a user who runs no app is refused with a clear page, and reaches no app', async () => {
    const hops = await browse(uc, link(4));
    expect(hops).toEqual([expect.objectContaining({ status: 403, code: 'ERR_HANDOFF_OTHER_USER' })]);
    await new Promise((r) => setTimeout(r, 200));
    expect([...a.handoffs, ...b.handoffs]).not.toContain(testId(4));
  }, 30_000);
});
