// Where the renderer comes from and which URLs are ours. No electron here, so it is unit-tested.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface WindowPaths {
  preload: string;
  /** Built renderer index.html (production). */
  indexHtml: string;
  /** electron-vite dev server URL (development), if any. */
  devServerUrl: string | undefined;
  icon?: string;
}

/**
 * mainDir: out/main (app.asar/out/main when packaged). devServerUrl: electron-vite's dev server, passed
 * only by the development build; the production build never loads a renderer from a URL.
 */
export function windowPaths(mainDir: string, devServerUrl?: string): WindowPaths {
  return {
    preload: join(mainDir, '../preload/index.cjs'),
    indexHtml: join(mainDir, '../renderer/index.html'),
    devServerUrl,
    icon: join(mainDir, '../../resources/icon.png'),
  };
}

/** True for URLs of our own renderer and nothing else (sender checks, navigation guard). */
export function appUrlMatcher(paths: WindowPaths): (url: string) => boolean {
  const indexUrl = pathToFileURL(paths.indexHtml).href;
  const devOrigin = paths.devServerUrl ? new URL(paths.devServerUrl).origin : null;
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin && parsed.origin === devOrigin) return true;
    parsed.hash = '';
    parsed.search = '';
    return parsed.href === indexUrl;
  };
}
