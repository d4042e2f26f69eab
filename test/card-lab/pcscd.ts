// Runs the one shared pcscd (with the vpcd driver) that the card lab, the tests and the demo use.
// Facts relied on (build-notes.md): a SIGTERMed pcscd needs up to ~2 s to exit and a new one cannot
// start before; a killed one leaves /run/pcscd/pcscd.comm behind and then refuses to start.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
export const PCSCD_BINARY = '/usr/sbin/pcscd';
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
export const OPENSC_PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const VPCD_READERS = ['Virtual PCD 00 00', 'Virtual PCD 00 01'] as const;

export type LabAvailability = { ok: true } | { ok: false; reason: string };

export interface PcscdHandle {
  /** true when this call started pcscd (so the caller may stop it again); false when it was running. */
  started: boolean;
  pid: number | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// The daemon this process started, so stopPcscd() kills it by id rather than by name.
let ours: ChildProcess | undefined;

/** pcscd is running when its socket accepts a connection (a stale socket file refuses). */
export function isPcscdRunning(): Promise<boolean> {
  if (!existsSync(PCSCD_SOCKET)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const s = connect(PCSCD_SOCKET);
    const done = (v: boolean) => {
      s.removeAllListeners();
      s.on('error', () => undefined);
      s.destroy();
      resolve(v);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 1000).unref();
  });
}

/** Reader names pcscd reports, via `opensc-tool -l` (no native module needed in this process). */
export function listReaders(): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('opensc-tool', ['-l'], { timeout: 5000 }, (err, stdout) => {
      if (err && !stdout) return resolve([]);
      resolve(VPCD_READERS.filter((name) => stdout.includes(name)));
    });
  });
}

async function waitForReaders(timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await isPcscdRunning()) && (await listReaders()).length === VPCD_READERS.length) return;
    if (Date.now() > until) throw new Error(`pcscd did not show ${VPCD_READERS.join(' and ')} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function pidsOf(name: string): Promise<number[]> {
  return new Promise((resolve) => {
    execFile('pidof', [name], (_err, stdout) =>
      resolve(stdout.trim().split(/\s+/).filter(Boolean).map(Number)),
    );
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure pcscd runs and both vpcd readers are visible. Starts `pcscd --foreground` when needed
 * (detached, so it survives a crashed test worker only as long as someone stops it).
 */
export async function ensurePcscd(timeoutMs = 8000): Promise<PcscdHandle> {
  if (await isPcscdRunning()) {
    await waitForReaders(timeoutMs);
    const [pid] = ours?.pid ? [ours.pid] : await pidsOf('pcscd');
    return { started: false, pid };
  }
  // A daemon that is still shutting down keeps the socket; give it the time build-notes.md measured.
  for (const pid of await pidsOf('pcscd')) await waitForExit(pid, 3000);
  rmSync(PCSCD_SOCKET, { force: true });
  const child = spawn(PCSCD_BINARY, ['--foreground'], { stdio: 'ignore', detached: true });
  child.unref();
  child.on('error', () => undefined);
  ours = child;
  child.once('exit', () => {
    if (ours === child) ours = undefined;
  });
  try {
    await waitForReaders(timeoutMs);
  } catch (e) {
    await stopPcscd();
    throw e;
  }
  return { started: true, pid: child.pid };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > until) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops pcscd with SIGTERM and waits until it has exited (SIGKILL after `timeoutMs`), so that a
 * following ensurePcscd() can start a new one. Stops the daemon this process started, otherwise the
 * one that is running (the pcscd-restart scenarios need that).
 */
export async function stopPcscd(timeoutMs = 3000): Promise<void> {
  const pids = ours?.pid ? [ours.pid] : await pidsOf('pcscd');
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    if (!(await waitForExit(pid, timeoutMs))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await waitForExit(pid, 1000);
    }
  }
  ours = undefined;
  // A killed daemon leaves its socket; a clean one removes it itself.
  if (!(await isPcscdRunning())) rmSync(PCSCD_SOCKET, { force: true });
}

/**
 * Kills pcscd with SIGKILL (a crash, not a shutdown: no reader is told, the socket file stays behind)
 * and waits until it is gone. ensurePcscd() starts a new one afterwards.
 */
export async function killPcscd(): Promise<void> {
  const pids = ours?.pid ? [ours.pid] : await pidsOf('pcscd');
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      continue;
    }
    // A killed child of a shell that is busy waiting on something else stays a zombie until the shell
    // gets round to it (scripts/with-pcscd.sh): gone is what counts.
    const until = Date.now() + 2000;
    while (processAlive(pid) && !isZombie(pid) && Date.now() < until) await sleep(20);
  }
  ours = undefined;
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; comm may hold spaces but not ") ".
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}

export async function restartPcscd(timeoutMs = 8000): Promise<PcscdHandle> {
  await stopPcscd();
  return ensurePcscd(timeoutMs);
}

/** Whether the card lab can run here: pcscd binary, the vpcd driver and OpenSC present. */
export function labAvailability(): LabAvailability {
  if (!existsSync(PCSCD_BINARY)) return { ok: false, reason: `pcscd is not installed (${PCSCD_BINARY} missing; apt-get install pcscd)` };
  if (!existsSync(VPCD_DRIVER)) return { ok: false, reason: `vpcd is not installed (${VPCD_DRIVER} missing; apt-get install vsmartcard-vpcd)` };
  if (!existsSync(OPENSC_PKCS11)) return { ok: false, reason: `OpenSC is not installed (${OPENSC_PKCS11} missing; apt-get install opensc)` };
  if (process.getuid?.() !== 0 && !existsSync(PCSCD_SOCKET)) {
    return { ok: false, reason: 'pcscd is not running and only root can start it here' };
  }
  return { ok: true };
}

export interface LabRequirement {
  ok: boolean;
  reason: string | undefined;
  /** pass to `describe.skipIf(…)` */
  skip: boolean;
  /** the suite title, with the skip reason appended when skipped, so the report says why */
  title(name: string): string;
}

/**
 * For lab test files: `const lab = requireLab(); describe.skipIf(lab.skip)(lab.title('…'), …)`.
 * Without the lab the suite is skipped with the reason in its title; with CI set it throws, because
 * CI must never skip these silently. (No vitest import here: the demo imports this file too.)
 */
export function requireLab(check: LabAvailability = labAvailability()): LabRequirement {
  if (!check.ok && process.env.CI) {
    throw new Error(`card lab unavailable in CI: ${check.reason}`);
  }
  const reason = check.ok ? undefined : check.reason;
  return {
    ok: check.ok,
    reason,
    skip: !check.ok,
    title: (name) => (reason ? `${name} [skipped: ${reason}]` : name),
  };
}
