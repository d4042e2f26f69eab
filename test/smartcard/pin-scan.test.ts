// pin-scan.ts, the PIN residue test's instrument: it finds a PIN's bytes in a live process's memory,
// and tells a copy inside a middleware's APDU hex dump (OpenSC's sc_apdu_log) from any other copy,
// which the residue test fails on. Run against this process from a child, as the lab test does.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mask, type ScanResult } from './pin-scan';

/** `prefix`, then ten random digits written in place (no other copy of them exists here). */
function withDigits(prefix: (digits: number[]) => string): { buffer: Buffer; needle: string } {
  const digits = Array.from({ length: 10 }, () => 0x30 + randomInt(10));
  const head = Buffer.from(prefix(digits), 'latin1');
  const buffer = Buffer.from(new ArrayBuffer(head.length + digits.length + 5));
  head.copy(buffer);
  digits.forEach((d, i) => (buffer[head.length + i] = d));
  buffer.write('after', head.length + digits.length, 'latin1');
  const needle = mask(buffer.subarray(head.length, head.length + digits.length));
  digits.fill(0);
  return { buffer, needle };
}

describe.skipIf(process.platform !== 'linux')('PIN scan of process memory', () => {
  it('finds a plain copy as ours and a copy in an APDU hex dump as the middleware\'s', () => {
    const plain = withDigits(() => 'before');
    // sc_hex_dump's layout: the APDU as hex, then its ASCII column.
    const traced = withDigits((d) => `00 20 00 81 0a ${d.map((b) => b.toString(16)).join(' ')}   . ...`);
    const script = fileURLToPath(new URL('./pin-scan.ts', import.meta.url));
    const request = { pids: [process.pid], paths: [], needles: { plain: plain.needle, traced: traced.needle } };
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { input: JSON.stringify(request), maxBuffer: 16 << 20, cwd: dirname(script) });
    const result = JSON.parse(out.toString('utf8')) as ScanResult;
    expect(result.memoryUnavailable).toBeUndefined();
    expect(result.hits.some((h) => h.needle === 'plain')).toBe(true);
    expect(result.hits.some((h) => h.needle === 'traced')).toBe(false);
    expect(result.middleware.some((h) => h.needle === 'traced')).toBe(true);
    for (const b of [plain.buffer, traced.buffer]) b.fill(0);
  }, 60_000);
});
