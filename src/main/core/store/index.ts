export { openAppStore, type AppStore, type AppStoreOptions, type AuditChainResult, type AuditChainBreak, type AuditInput, type StoredAuditRecord } from './app-store';
export { AuditEntrySchema, hashRequestId, canonicalJson, chainHash, GENESIS_HASH, type AuditEntry, type AuditRecord } from './audit-record';
export { AppSettingsSchema, DEFAULT_APP_SETTINGS, DEFAULT_LOOPBACK_PORT, type AppSettings } from './app-settings';
export { sqliteSettings } from './settings-port';
