// Plain pcsclite for the bench floors (insert → event in run.ts, the login at insert in
// raw-insert-sign.ts): the few members of its untyped API those floors use.
export interface RawReader {
  name: string;
  SCARD_STATE_PRESENT: number;
  SCARD_STATE_EMPTY: number;
  on(e: 'status', l: (s: { state: number }) => void): void;
  on(e: 'error' | 'end', l: (...a: unknown[]) => void): void;
}
export interface RawPcsc {
  on(e: 'reader', l: (r: RawReader) => void): void;
  on(e: 'error', l: (err: unknown) => void): void;
  close(): void;
}

/** A pcsclite context whose errors are ignored (the floors only watch status changes). */
export async function openRawPcsc(): Promise<RawPcsc> {
  const mod = (await import('pcsclite')) as unknown as { default?: () => RawPcsc } & (() => RawPcsc);
  const pcsc = (mod.default ?? mod)();
  pcsc.on('error', () => undefined);
  return pcsc;
}
