// The app's own log (issue 14 part 3): one line per event in a size-capped, rotating file in the user
// data folder. Every line is written with appendFileSync, so what was logged before a crash is on disk.
// Only LogEvents go in (log-event.ts): codes and whitelisted fields, never free text.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isErrorCode } from '../../../shared/errors';
import { formatLogLine, parseLogLine, sanitiseLogEvent, type LogEvent, type LogLevel } from './log-event';

export const LOG_FILE_NAME = 'zorgid-desktop.log';
export const DEFAULT_LOG_CAP_BYTES = 1024 * 1024;
/** Files kept in all: the current one and two rotated (.1, .2). */
export const DEFAULT_LOG_FILES = 3;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface AppLog {
  /** Writes one event. Takes `unknown` on purpose: whatever is not a valid LogEvent is refused. */
  write(event: LogEvent | unknown): void;
  /** The last `n` lines, oldest first (current file, then the rotated ones if needed). */
  tail(n: number): string[];
  /** The last `n` error codes with their time, newest first. */
  recentErrors(n?: number): { at: string; code: string; area: string }[];
  readonly path: string;
}

export interface AppLogOptions {
  dir: string;
  clock: () => number;
  name?: string;
  capBytes?: number;
  files?: number;
  /** Lowest level written (default info). */
  level?: LogLevel;
  /** Where a failing disk is reported; the app goes on without its log. */
  onWriteError?: (err: unknown) => void;
}

export function openAppLog(options: AppLogOptions): AppLog {
  const path = join(options.dir, options.name ?? LOG_FILE_NAME);
  const cap = options.capBytes ?? DEFAULT_LOG_CAP_BYTES;
  const files = Math.max(1, options.files ?? DEFAULT_LOG_FILES);
  const minRank = LEVEL_RANK[options.level ?? 'info'];
  const rotated = (i: number) => (i === 0 ? path : `${path}.${i}`);
  let size: number | undefined;
  let broken = false;

  const currentSize = (): number => {
    if (size === undefined) size = existsSync(path) ? statSync(path).size : 0;
    return size;
  };

  const rotate = () => {
    const last = rotated(files - 1);
    if (files === 1) {
      if (existsSync(path)) unlinkSync(path);
    } else {
      if (existsSync(last)) unlinkSync(last);
      for (let i = files - 2; i >= 0; i--) if (existsSync(rotated(i))) renameSync(rotated(i), rotated(i + 1));
    }
    size = 0;
  };

  const readLines = (file: string): string[] => {
    try {
      return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
    } catch {
      return [];
    }
  };

  const tail = (n: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < files && out.length < n; i++) out.unshift(...readLines(rotated(i)).slice(-(n - out.length)));
    return out;
  };

  return {
    path,
    write(raw) {
      const clean = sanitiseLogEvent(raw);
      if (!clean || LEVEL_RANK[clean.event.level] < minRank || broken) return;
      const line = `${formatLogLine(options.clock(), clean.event, clean.dropped)}\n`;
      const bytes = Buffer.byteLength(line);
      try {
        mkdirSync(options.dir, { recursive: true });
        if (currentSize() > 0 && currentSize() + bytes > cap) rotate();
        appendFileSync(path, line, { mode: 0o600 });
        size = currentSize() + bytes;
      } catch (err) {
        // Once: a full or read-only disk must not turn every event into another failure.
        broken = true;
        options.onWriteError?.(err);
      }
    },
    tail,
    recentErrors(n = 50) {
      const found: { at: string; code: string; area: string }[] = [];
      // Errors are sparse among info lines: look further back than n lines.
      for (const line of tail(Math.max(n * 40, 2000)).reverse()) {
        const parsed = parseLogLine(line);
        if (parsed && isErrorCode(parsed.code)) found.push({ at: parsed.at, code: parsed.code, area: parsed.area });
        if (found.length >= n) break;
      }
      return found;
    },
  };
}

/** A log that keeps nothing (tests, hosts without a data folder). */
export const NO_LOG: AppLog = { path: '', write: () => {}, tail: () => [], recentErrors: () => [] };
