// The card host under Electron: the same supervisor as the preview host and the tests, with the child
// started as a utilityProcess (a Node process Electron manages) instead of child_process.fork.
import { utilityProcess } from 'electron';
import { join } from 'node:path';
import type { CardService } from './core/card/card-port';
import { createCardHost, type HostLauncher } from './core/host/supervisor';
import type { CardHostFactory } from './card-backend';

export const utilityLauncher: HostLauncher = (entry, env) => {
  const child = utilityProcess.fork(entry, [], { env: { ...process.env, ...env }, serviceName: 'ZORG-ID kaartlezerdienst', stdio: 'inherit' });
  return {
    get pid() {
      return child.pid;
    },
    transport: {
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => {
        child.on('message', listener);
      },
    },
    kill: () => {
      child.kill();
    },
    onExit: (listener) => {
      child.once('exit', (code) => listener(code, null));
    },
  };
};

/** Built entries next to out/main/index.js (electron.vite.config.ts names them). */
export function electronCardHost(mainDir: string): CardHostFactory {
  return async ({ pkcs11ModulePath, onLog }): Promise<CardService> =>
    createCardHost({
      entry: join(mainDir, 'card-host.js'),
      tokenWorkerFile: join(mainDir, 'token-worker.js'),
      modulePath: pkcs11ModulePath,
      launch: utilityLauncher,
      onLog,
    });
}
