// Where the installed app keeps its data per OS (Electron's userData for productName "ZORG-ID
// Desktop"; docs/install.md), for the `--diagnose` CLI, which runs without Electron.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const name = 'ZORG-ID Desktop';
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', name);
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), name);
}
