// Re-reads the policy when it changes: fs.watch on the Linux folders (an event → one re-read shortly
// after, so a burst of writes is read once), and a polling interval for what cannot be watched
// (registry, plists, a folder that does not exist yet). Only a real change is reported.
import { watch, type FSWatcher } from 'node:fs';
import type { PartialPolicy } from './policy-merge';

export interface PolicyWatchOptions {
  read: () => Promise<PartialPolicy>;
  /** The policy in force now; changes are measured against it. */
  initial: PartialPolicy;
  onChange: (policy: PartialPolicy) => void;
  /** Folders to watch (Linux); may not exist yet. */
  dirs?: readonly string[];
  /** Polling interval; 0 = no polling. */
  pollMs: number;
  /** Delay between a file event and the re-read. */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface PolicyWatch {
  /** Re-reads now (also what the timers call). */
  check(): Promise<void>;
  close(): void;
}

export function watchPolicy(options: PolicyWatchOptions): PolicyWatch {
  let last = JSON.stringify(options.initial);
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let settle: NodeJS.Timeout | null = null;
  const watchers = new Map<string, FSWatcher>();

  async function readOnce(): Promise<void> {
    const next = await options.read();
    const text = JSON.stringify(next);
    if (closed || text === last) return;
    last = text;
    options.onChange(next);
  }

  // One read at a time; a request during a read runs one more read after it.
  function check(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await readOnce();
        } catch (err) {
          options.log?.(`policy re-read failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      } while (again && !closed);
      running = null;
    })();
    return running;
  }

  function soon(): void {
    if (closed) return;
    if (settle) clearTimeout(settle);
    settle = setTimeout(() => void check(), options.settleMs ?? 100);
  }

  function attach(): void {
    for (const dir of options.dirs ?? []) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, soon);
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(dir);
        });
        watchers.set(dir, watcher);
      } catch {
        // Not there (yet): polling notices when it appears.
      }
    }
  }

  attach();
  const poll =
    options.pollMs > 0
      ? setInterval(() => {
          attach();
          void check();
        }, options.pollMs)
      : null;
  poll?.unref();

  return {
    check,
    close() {
      closed = true;
      if (poll) clearInterval(poll);
      if (settle) clearTimeout(settle);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
