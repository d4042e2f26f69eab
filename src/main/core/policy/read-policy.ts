// The policy of this machine, from the source its OS uses. Everything outside (filesystem root, user
// name, the command runner) is a parameter, so tests read temp folders and captured output.
import { readLinuxPolicy } from './linux-policy';
import { readMacPolicy } from './mac-policy';
import { EMPTY_POLICY, type PartialPolicy } from './policy-merge';
import { readWindowsPolicy, type RunCommand } from './windows-policy';

export interface PolicySourceOptions {
  platform: NodeJS.Platform;
  /** Filesystem root for the Linux files and macOS plists: `/` in the app. */
  root: string;
  /** The login name, for the per-user managed preferences on macOS. */
  user: string;
  run: RunCommand;
}

export function readPolicy(options: PolicySourceOptions): Promise<PartialPolicy> {
  switch (options.platform) {
    case 'win32':
      return readWindowsPolicy(options.run);
    case 'darwin':
      return readMacPolicy(options);
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return readLinuxPolicy(options.root);
    default:
      return Promise.resolve(EMPTY_POLICY);
  }
}
