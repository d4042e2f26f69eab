// What the preload (Electron) or the preview bridge (browser) puts on window. The renderer sees only this.
import type { ZorgidApi } from '../shared/contract';

declare global {
  interface Window {
    readonly zorgid: ZorgidApi;
  }
}

export {};
