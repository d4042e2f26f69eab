// What may go into the app's own log (issue 14): a level, an area, a code and a few whitelisted
// fields — nothing else. There is no free-text message parameter on purpose: the short message of a
// line comes from a table keyed by the code, so a holder name, an UZI number or a PIN has no way in.
import { z } from 'zod';
import { CHANNELS } from '../../../shared/channels';
import { ERROR_MESSAGES } from '../../../shared/error-messages';
import { isErrorCode, type ErrorCode } from '../../../shared/errors';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_AREAS = ['app', 'card', 'host', 'handoff', 'ipc', 'store', 'smartcard', 'diagnostics'] as const;
export type LogArea = (typeof LOG_AREAS)[number];

/** Events that are not errors, each with its one short message. */
export const LOG_EVENTS = {
  APP_STARTED: 'app started',
  APP_STOPPED: 'app stopped',
  HOST_STARTED: 'card host started',
  HOST_RESTARTED: 'card host restarted',
  PCSC_UP: 'smart card service reachable',
  PCSC_DOWN: 'smart card service unreachable',
  CARD_INSERTED: 'card inserted',
  CARD_REMOVED: 'card removed',
  LISTENER_STARTED: 'loopback listener started',
  DIAGNOSE_RUN: 'diagnostics report made',
  DIAGNOSE_SAVED: 'diagnostics report saved',
} as const;
export type LogEventCode = keyof typeof LOG_EVENTS;
export type LogCode = ErrorCode | LogEventCode;

export function isLogCode(value: unknown): value is LogCode {
  return isErrorCode(value) || (typeof value === 'string' && Object.prototype.hasOwnProperty.call(LOG_EVENTS, value));
}

/**
 * The only fields a line may carry. Numbers, booleans and closed vocabularies: no string field can
 * hold a name (a reader is named by its index, not by its PC/SC name).
 */
export const LogFieldsSchema = z
  .object({
    readerIndex: z.number().int().min(0).max(63),
    channel: z.enum(CHANNELS),
    method: z.string().regex(/^(C_[A-Za-z]{2,30}|readers|read|sign|smartcard|diagnose)$/),
    ckr: z.string().regex(/^CKR_[A-Z0-9_]{2,40}$/),
    ms: z.number().int().min(0).max(86_400_000),
    port: z.number().int().min(0).max(65535),
    count: z.number().int().min(0).max(1_000_000),
    pid: z.number().int().min(0).max(4_194_304),
    family: z.enum(['uzi', 'zorgid-smartcard', 'unknown']),
    status: z.enum(['up', 'down', 'ok', 'failed', 'restarted']),
  })
  .partial();
export type LogFields = z.infer<typeof LogFieldsSchema>;

export interface LogEvent {
  level: LogLevel;
  area: LogArea;
  code: LogCode;
  fields?: LogFields;
}

const FIELD_NAMES = Object.keys(LogFieldsSchema.shape) as (keyof LogFields)[];

/**
 * Keeps what is allowed and drops the rest, counting what it dropped (so a caller's bug shows in the
 * log as `dropped=N`, not as the value it tried to log). Takes unknown: it is also the check on what
 * the card host sends.
 */
export function sanitiseLogEvent(raw: unknown): { event: LogEvent; dropped: number } | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (!LOG_LEVELS.includes(r['level'] as LogLevel) || !LOG_AREAS.includes(r['area'] as LogArea) || !isLogCode(r['code'])) return null;
  const fields: Record<string, unknown> = {};
  let dropped = 0;
  const given = r['fields'] !== null && typeof r['fields'] === 'object' && !Buffer.isBuffer(r['fields']) ? (r['fields'] as Record<string, unknown>) : {};
  if (r['fields'] !== undefined && given !== r['fields']) dropped += 1;
  for (const [key, value] of Object.entries(given)) {
    const schema = (FIELD_NAMES as string[]).includes(key) ? LogFieldsSchema.shape[key as keyof LogFields] : undefined;
    const parsed = schema?.safeParse(value);
    if (parsed?.success && parsed.data !== undefined) fields[key] = parsed.data;
    else dropped += 1;
  }
  return { event: { level: r['level'] as LogLevel, area: r['area'] as LogArea, code: r['code'] as LogCode, fields: fields as LogFields }, dropped };
}

/** The short message of a code: the event table, or the first sentence of the error's English text. */
export function shortMessage(code: LogCode): string {
  if (isErrorCode(code)) return ERROR_MESSAGES[code].en.split(/(?<=\.)\s/)[0]!.slice(0, 120);
  return LOG_EVENTS[code];
}

/** One line: `<ISO time> <LEVEL> <area> <code> "<message>" key=value …` */
export function formatLogLine(at: number, event: LogEvent, dropped = 0): string {
  const parts = [new Date(at).toISOString(), event.level.toUpperCase().padEnd(5), event.area, event.code, JSON.stringify(shortMessage(event.code))];
  for (const key of FIELD_NAMES) {
    const value = event.fields?.[key];
    if (value !== undefined) parts.push(`${key}=${String(value)}`);
  }
  if (dropped > 0) parts.push(`dropped=${dropped}`);
  return parts.join(' ');
}

export interface ParsedLogLine {
  at: string;
  level: LogLevel;
  area: string;
  code: string;
}

const LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (DEBUG|INFO |WARN |ERROR) (\S+) (\S+) /;

export function parseLogLine(line: string): ParsedLogLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  return { at: m[1]!, level: m[2]!.trim().toLowerCase() as LogLevel, area: m[3]!, code: m[4]! };
}
