// The few browser globals the E2E tests touch inside page.evaluate, typed structurally: the node-side
// tsconfig has no DOM lib, and adding it globally would hide mistakes elsewhere.
import type { ZorgidApi } from '../../src/shared/contract';

export interface PageGlobals {
  zorgid: ZorgidApi;
  document: { body: { textContent: string | null } };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
  fetch: (url: string, init?: object) => Promise<{ status: number; text(): Promise<string> }>;
}
