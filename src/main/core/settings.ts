// Settings port plus two stores: in memory (tests, preview) and a JSON file in the user data folder.
// Whatever is read from disk is parsed; a damaged file falls back to the defaults instead of failing
// to start.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../shared/errors';
import { DEFAULT_SETTINGS, SettingsPatchSchema, SettingsSchema, type Settings } from '../../shared/settings';
import type { z } from 'zod';
import type { SettingsPatchInputSchema } from '../../shared/settings';

export type SettingsInput = z.infer<typeof SettingsPatchInputSchema>;

export interface SettingsStore {
  get(): Promise<Settings>;
  /** Validates and stores a patch; throws AppError ERR_SETTINGS_INVALID. */
  set(patch: SettingsInput): Promise<Settings>;
}

function applyPatch(current: Settings, patch: unknown): Settings {
  const parsedPatch = SettingsPatchSchema.safeParse(patch);
  if (!parsedPatch.success) throw new AppError('ERR_SETTINGS_INVALID', { fields: parsedPatch.error.issues.map((i) => i.path.join('.')) });
  const next = SettingsSchema.safeParse({ ...current, ...parsedPatch.data });
  if (!next.success) throw new AppError('ERR_SETTINGS_INVALID', { fields: next.error.issues.map((i) => i.path.join('.')) });
  return next.data;
}

export function createMemorySettings(initial: Partial<Settings> = {}): SettingsStore {
  let current: Settings = SettingsSchema.parse({ ...DEFAULT_SETTINGS, ...initial });
  return {
    async get() {
      return current;
    },
    async set(patch) {
      current = applyPatch(current, patch);
      return current;
    },
  };
}

export function createFileSettings(file: string): SettingsStore {
  let cache: Settings | null = null;
  let writing: Promise<unknown> = Promise.resolve();

  async function load(): Promise<Settings> {
    if (cache) return cache;
    try {
      const parsed = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...JSON.parse(await readFile(file, 'utf8')) });
      cache = parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
    } catch {
      cache = { ...DEFAULT_SETTINGS };
    }
    return cache;
  }

  return {
    get: load,
    async set(patch) {
      const next = applyPatch(await load(), patch);
      cache = next;
      // Write-then-rename so a crash mid-write never leaves half a file; writes are serialised.
      writing = writing.then(async () => {
        await mkdir(dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(next, null, 2), { mode: 0o600 });
        await rename(tmp, file);
      });
      await writing;
      return next;
    },
  };
}
