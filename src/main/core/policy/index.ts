// Machine-wide policy (issue 14): sources, merge, watcher and the settings service under it.
export { POLICY_KEYS, PolicySchema, DEFAULT_VALUES, type Policy, type PolicyKey } from './policy-schema';
export { EMPTY_POLICY, effectiveSettings, mergePolicies, policyError, trustedPortals, type PartialPolicy } from './policy-merge';
export { readPolicy, type PolicySourceOptions } from './read-policy';
export { linuxPolicyDirs, policyDirWatchList, readPolicyDir } from './linux-policy';
export { execCommandPort } from './command-port';
export { watchPolicy, type PolicyWatch } from './policy-watch';
export { buildSettingsView, createPolicySettings, memorySettingsService, memoryUserSettings, type SettingsService, type UserSettingsPort } from './policy-settings';
export type { RunCommand, CommandResult } from './windows-policy';
