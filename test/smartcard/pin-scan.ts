// Searches process memory (Linux /proc/<pid>/mem through /proc/<pid>/maps) and files for a PIN's
// bytes. Runs as a child process (node --import tsx pin-scan.ts, a JSON request on stdin) so the test
// process that is scanned too never holds the PIN pattern itself: the needles arrive masked (each byte
// XOR 0x5a, hex) and are unmasked only here.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secretBuffer } from '../../src/main/core/secret-bytes';

export interface ScanRequest {
  pids: number[];
  paths: string[];
  /** name → masked bytes (hex of each byte XOR MASK). */
  needles: Record<string, string>;
}
export interface ScanHit {
  where: string;
  needle: string;
  count: number;
}
export interface ScanResult {
  hits: ScanHit[];
  /**
   * Copies inside a middleware's APDU trace: OpenSC 0.23's sc_apdu_log formats every APDU it sends
   * (the VERIFY with the PIN too) as a hex dump, hex then ASCII, into a buffer it frees without
   * zeroing, whatever the debug level. The middleware's residue, not ours: reported apart.
   */
  middleware: ScanHit[];
  /** Per pid: bytes read and regions that could not be read. */
  memory: Record<number, { bytes: number; regions: number; unreadable: number }>;
  files: number;
  /** Why memory could not be read at all (not Linux, no permission). */
  memoryUnavailable?: string;
}

export const MASK = 0x5a;
export const mask = (bytes: Uint8Array): string => Buffer.from(bytes.map((b) => b ^ MASK)).toString('hex');

const B64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
/**
 * The base64 text of `bytes` (standard alphabet, padded: what Buffer's 'base64' writes) as bytes in a
 * secretBuffer, made without a JS string (which would itself be a copy to find): a needle for mask().
 */
export function base64Bytes(bytes: Uint8Array): Buffer {
  const out = secretBuffer(Math.ceil(bytes.length / 3) * 4);
  for (let i = 0, o = 0; i < bytes.length; i += 3, o += 4) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o] = B64[(n >> 18) & 63]!;
    out[o + 1] = B64[(n >> 12) & 63]!;
    out[o + 2] = i + 1 < bytes.length ? B64[(n >> 6) & 63]! : 0x3d;
    out[o + 3] = i + 2 < bytes.length ? B64[n & 63]! : 0x3d;
  }
  return out;
}

/**
 * The needle's last four bytes as sc_hex_dump writes them ("31 32 33 34"), in both cases. Only the
 * tail: once the dump is freed, the allocator's own pointers overwrite the buffer's first bytes.
 */
const hexDumpsOf = (needle: Buffer): Buffer[] => {
  const hex = [...needle.subarray(-4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return [Buffer.from(hex), Buffer.from(hex.toUpperCase())];
};
/** The ASCII column of a hex dump: the same bytes written as hex just before (within one 16-byte line). */
function inHexDump(haystack: Buffer, at: number, dumps: Buffer[]): boolean {
  const before = haystack.subarray(Math.max(0, at - 96), at);
  return dumps.some((d) => before.includes(d));
}

function count(haystack: Buffer, needle: Buffer): { ours: number; middleware: number } {
  const dumps = hexDumpsOf(needle);
  const n = { ours: 0, middleware: 0 };
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) {
    if (inHexDump(haystack, i, dumps)) n.middleware++;
    else n.ours++;
  }
  return n;
}

function scanMemory(pid: number, needles: Array<[string, Buffer]>, result: ScanResult): void {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  const stats = { bytes: 0, regions: 0, unreadable: 0 };
  const longest = Math.max(...needles.map(([, n]) => n.length));
  const chunk = Buffer.alloc(8 << 20);
  try {
    for (const line of maps) {
      const [range, perms, , , , ...rest] = line.split(/\s+/);
      // The PIN can only be left in writable memory (heaps, stacks, anonymous and V8 pages).
      if (!perms?.startsWith('rw')) continue;
      const path = rest.join(' ') || '[anon]';
      if (path === '[vvar]' || path === '[vsyscall]') continue;
      const [lo, hi] = range!.split('-').map((h) => parseInt(h, 16)) as [number, number];
      stats.regions++;
      const found = new Map<string, number>();
      const traced = new Map<string, number>();
      try {
        for (let at = lo; at < hi; at += chunk.length - longest) {
          const len = Math.min(chunk.length, hi - at);
          const got = readSync(fd, chunk, 0, len, at);
          stats.bytes += got;
          const view = chunk.subarray(0, got);
          for (const [name, needle] of needles) {
            const c = count(view, needle);
            if (c.ours) found.set(name, (found.get(name) ?? 0) + c.ours);
            if (c.middleware) traced.set(name, (traced.get(name) ?? 0) + c.middleware);
          }
          if (len < chunk.length) break;
        }
      } catch {
        stats.unreadable++;
      }
      for (const [needle, c] of found) result.hits.push({ where: `pid ${pid} ${path} ${range}`, needle, count: c });
      for (const [needle, c] of traced) result.middleware.push({ where: `pid ${pid} ${path} ${range}`, needle, count: c });
    }
  } finally {
    closeSync(fd);
  }
  result.memory[pid] = stats;
}

function scanPath(path: string, needles: Array<[string, Buffer]>, result: ScanResult): void {
  if (!existsSync(path)) return;
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const entry of readdirSync(path)) scanPath(join(path, entry), needles, result);
    return;
  }
  if (!st.isFile()) return;
  result.files++;
  const data = readFileSync(path);
  for (const [name, needle] of needles) {
    // A file is never excused: a middleware's trace on disk is a leak all the same.
    const c = count(data, needle);
    if (c.ours + c.middleware) result.hits.push({ where: path, needle: name, count: c.ours + c.middleware });
  }
}

export function scan(request: ScanRequest): ScanResult {
  const needles = Object.entries(request.needles).map(([name, hex]) => [name, Buffer.from(Buffer.from(hex, 'hex').map((b) => b ^ MASK))] as [string, Buffer]);
  const result: ScanResult = { hits: [], middleware: [], memory: {}, files: 0 };
  for (const path of request.paths) scanPath(path, needles, result);
  if (process.platform !== 'linux') result.memoryUnavailable = 'not Linux';
  else {
    for (const pid of request.pids) {
      try {
        scanMemory(pid, needles, result);
      } catch (e) {
        result.memoryUnavailable = `pid ${pid}: ${(e as Error).message}`;
      }
    }
  }
  for (const [, n] of needles) n.fill(0);
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const request = JSON.parse(readFileSync(0, 'utf8')) as ScanRequest;
  process.stdout.write(JSON.stringify(scan(request)));
}
