// The supervisor's table of calls sent to the card host and not yet answered, each with its deadline
// and, once its card was pulled (or PC/SC went away), the removal grace it still has.
import type { CardEvent } from '../../../shared/domain';
import type { AppError } from '../../../shared/errors';
import type { CallMethod } from './host-protocol';

export interface Pending {
  method: CallMethod;
  reader: string | undefined;
  resolve: (value: unknown) => void;
  reject: (err: AppError) => void;
  deadline: NodeJS.Timeout;
  removal?: NodeJS.Timeout;
}

export type PendingCalls = Map<number, Pending>;

export type Outcome = { value: unknown } | { error: AppError };

export function settle(pending: PendingCalls, id: number, outcome: Outcome): void {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  clearTimeout(p.deadline);
  clearTimeout(p.removal);
  if ('error' in outcome) p.reject(outcome.error);
  else p.resolve(outcome.value);
}

export function failAll(pending: PendingCalls, error: (id: number) => AppError): void {
  for (const id of [...pending.keys()]) settle(pending, id, { error: error(id) });
}

/**
 * After a pulled card (or PC/SC down), gives every call on that reader (every call, for PC/SC) the
 * removal grace; `onStuck` runs for a call still pending when its grace is over.
 */
export function armRemovalGrace(pending: PendingCalls, event: CardEvent, graceMs: number, onStuck: (id: number, p: Pending) => void): void {
  if (event.type !== 'removed' && !(event.type === 'service' && event.status === 'down')) return;
  const reader = event.type === 'removed' ? event.reader : undefined;
  for (const [id, p] of pending) {
    if (p.removal || p.method === 'readers' || (reader !== undefined && p.reader !== reader)) continue;
    p.removal = setTimeout(() => onStuck(id, p), graceMs);
  }
}
