// pin-scan.ts, the PIN residue test's instrument: it finds a PIN's bytes in a live process's memory,
// and tells a copy inside a middleware's APDU hex dump (OpenSC's sc_apdu_log) from any other copy,
// which the residue test fails on. Run against this process from a child, as the lab test does.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { base64Bytes, mask, type ScanResult } from './pin-scan';

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

describe('base64Bytes, the base64 needle made without a string', () => {
  it('writes what Buffer writes as base64, padding included, for every length of the last group', () => {
    const fixed = Buffer.from([0x00, 0xff, 0xfb, 0xef, 0xbe, 0x3e, 0x3f]);
    for (let n = 0; n <= 7; n++) {
      for (const bytes of [fixed.subarray(0, n), randomBytes(n)]) {
        expect(base64Bytes(bytes).toString('latin1')).toBe(Buffer.from(bytes).toString('base64'));
      }
    }
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(randomInt(64));
      expect(base64Bytes(bytes).toString('latin1')).toBe(bytes.toString('base64'));
    }
  });

  it('accepts a plain Uint8Array and answers in memory of its own (secret-bytes.ts), so zeroing it leaves no copy', () => {
    const bytes = new Uint8Array([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38]);
    const out = base64Bytes(bytes);
    expect(out.toString('latin1')).toBe('MTIzNDU2Nzg=');
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(out.length);
  });
});
