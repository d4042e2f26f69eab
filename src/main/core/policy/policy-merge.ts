// From raw entries to one policy, and from policy + the person's settings + defaults to the effective
// value of each setting with where it came from. Precedence: policy > user > default. A damaged policy
// value fails closed: every setting locked to its narrowest value, no portal trusted.
import { isDeepStrictEqual } from 'node:util';
import { AppError, type SerializedError } from '../../../shared/errors';
import {
  SETTING_KEYS,
  type EffectiveSettings,
  type PolicyNotice,
  type SettingKey,
  type SettingState,
  type SettingValues,
} from '../../../shared/settings-view';
import { DEFAULT_VALUES, FAIL_CLOSED_VALUES, POLICY_KEYS, POLICY_SCHEMAS, POLICY_SETTING, policyKeyOf, type PolicyKey, type RawEntry } from './policy-schema';

export interface PolicyValue<T = unknown> {
  value: T;
  origin: string;
}

export interface PolicyProblem {
  /** The policy key, or `*` when a whole file could not be read as policy. */
  key: string;
  source: string;
  reason: string;
}

/** What one source (or all of them merged) says. */
export interface PartialPolicy {
  values: { [K in PolicyKey]?: PolicyValue<SettingValues[(typeof POLICY_SETTING)[K]]> };
  invalid: PolicyProblem[];
  unknown: PolicyNotice[];
  /** Places that held policy (files, registry keys). */
  sources: string[];
}

export const EMPTY_POLICY: PartialPolicy = { values: {}, invalid: [], unknown: [], sources: [] };

/** Parses each entry with its key's schema; names that are no key are reported, not used. */
export function policyFromEntries(entries: readonly RawEntry[], source: string): PartialPolicy {
  const out: PartialPolicy = { values: {}, invalid: [], unknown: [], sources: [source] };
  for (const entry of entries) {
    const key = policyKeyOf(entry.name);
    if (!key) {
      out.unknown.push({ key: entry.name, source: entry.origin });
      continue;
    }
    const parsed = POLICY_SCHEMAS[key].safeParse(entry.value);
    if (parsed.success) (out.values as Record<string, PolicyValue>)[key] = { value: parsed.data, origin: entry.origin };
    else out.invalid.push({ key, source: entry.origin, reason: parsed.error.issues[0]?.message ?? 'invalid' });
  }
  return out;
}

/** A source that exists but cannot be read as policy at all (broken JSON, a plist plutil refuses). */
export function unreadablePolicy(source: string, reason: string): PartialPolicy {
  return { values: {}, invalid: [{ key: '*', source, reason }], unknown: [], sources: [source] };
}

/** Merges sources given from lowest to highest precedence: a later source's key wins. */
export function mergePolicies(parts: readonly PartialPolicy[]): PartialPolicy {
  const out: PartialPolicy = { values: {}, invalid: [], unknown: [], sources: [] };
  for (const part of parts) {
    Object.assign(out.values, part.values);
    out.invalid.push(...part.invalid);
    out.unknown.push(...part.unknown);
    out.sources.push(...part.sources);
  }
  return out;
}

/** ERR_POLICY_INVALID for the first damaged value, or null. */
export function policyError(policy: PartialPolicy): SerializedError | null {
  const first = policy.invalid[0];
  return first ? new AppError('ERR_POLICY_INVALID', { key: first.key, source: first.source }).toJSON() : null;
}

export type UserValues = Partial<SettingValues>;

function state<T>(value: T, source: SettingState<T>['source'], origin: string | null, locked: boolean): SettingState<T> {
  return { value, source, origin, locked };
}

function failClosed(policy: PartialPolicy): EffectiveSettings {
  const first = policy.invalid[0]!;
  const out = {} as Record<SettingKey, SettingState<unknown>>;
  for (const key of SETTING_KEYS) out[key] = state(FAIL_CLOSED_VALUES[key], 'policy', first.source, true);
  return out as EffectiveSettings;
}

/** The effective value of every setting. `user` holds what the person stored (absent = never set). */
export function effectiveSettings(policy: PartialPolicy, user: UserValues): EffectiveSettings {
  if (policy.invalid.length > 0) return failClosed(policy);
  const out = {} as Record<SettingKey, SettingState<unknown>>;
  for (const key of SETTING_KEYS) {
    const userValue = user[key];
    out[key] =
      userValue !== undefined && !isDeepStrictEqual(userValue, DEFAULT_VALUES[key])
        ? state(userValue, 'user', null, false)
        : state(DEFAULT_VALUES[key], 'default', null, false);
  }
  for (const key of POLICY_KEYS) {
    const managed = policy.values[key];
    if (managed) out[POLICY_SETTING[key]] = state(managed.value, 'policy', managed.origin, true);
  }
  out.portalAllowlist = portalAllowlist(policy, user.portalAllowlist ?? DEFAULT_VALUES.portalAllowlist, out.portalAllowlist!);
  return out as EffectiveSettings;
}

/**
 * The organisation's portals, plus the person's own only while policy lets them add some. With
 * AllowUserPortalOrigins off and no list, no portal is trusted.
 */
function portalAllowlist(policy: PartialPolicy, own: string[], fallback: SettingState<unknown>): SettingState<string[]> {
  const list = policy.values.AllowedPortalOrigins;
  const allowUser = policy.values.AllowUserPortalOrigins;
  const userMayAdd = allowUser ? allowUser.value : true;
  if (!list) {
    if (userMayAdd) return fallback as SettingState<string[]>;
    return state([], 'policy', allowUser!.origin, true);
  }
  if (!userMayAdd) return state(list.value, 'policy', list.origin, true);
  return state([...new Set([...list.value, ...own])], 'policy', list.origin, false);
}

/** The portals the app trusts now: none while the policy is damaged. */
export function trustedPortals(policy: PartialPolicy, effective: EffectiveSettings): string[] {
  return policy.invalid.length > 0 ? [] : effective.portalAllowlist.value;
}
