// C_GetInfo, slots and tokens of the module the token worker loaded, for the diagnostics report
// (issue 14). Runs in the token worker (token-worker.ts) like every PKCS#11 call. Reads no token
// serial and no object: certificates are read through the token port by the card host.
import * as graphene from 'graphene-pk11';
import type { ModuleInfo, PinState, SlotInfo } from '../diagnostics/host-diagnosis';
import { scrubLabel } from '../diagnostics/host-diagnosis';

const trim = (s: string) => s.replace(/[\s\0]+$/, '').trim();
const version = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;

const TOKEN_FLAGS = Object.entries(graphene.TokenFlag).filter(([, v]) => typeof v === 'number') as [string, number][];

export function flagNames(flags: number): string[] {
  return TOKEN_FLAGS.filter(([, bit]) => (flags & bit) !== 0).map(([name]) => name);
}

export function pinState(flags: number): PinState {
  if (flags & graphene.TokenFlag.USER_PIN_LOCKED) return 'locked';
  if (flags & graphene.TokenFlag.USER_PIN_FINAL_TRY) return 'final-try';
  if (flags & graphene.TokenFlag.USER_PIN_COUNT_LOW) return 'count-low';
  return 'ok';
}

export function diagnoseModule(module: graphene.Module): ModuleInfo {
  const list = module.getSlots(false);
  const slots: SlotInfo[] = [];
  for (let i = 0; i < list.length; i++) {
    const slot = list.items(i);
    const present = (slot.flags & graphene.SlotFlag.TOKEN_PRESENT) !== 0;
    let token: SlotInfo['token'] = null;
    if (present) {
      try {
        const t = slot.getToken();
        token = { label: scrubLabel(trim(t.label)), manufacturer: trim(t.manufacturerID), model: trim(t.model), flags: flagNames(t.flags), pin: pinState(t.flags), certificates: [] };
      } catch {
        // Pulled between C_GetSlotInfo and C_GetTokenInfo: the slot shows as present without a token.
      }
    }
    slots.push({ slotId: slot.handle.toString('hex'), description: scrubLabel(trim(slot.slotDescription)), tokenPresent: present, token });
  }
  return {
    manufacturer: trim(module.manufacturerID),
    description: trim(module.libraryDescription),
    libraryVersion: version(module.libraryVersion),
    cryptokiVersion: version(module.cryptokiVersion),
    slots,
  };
}
