// The handoff token validator as this portal configures it: its trust, its handoff requests (the
// store), and the purpose rules (step 8) of login, organisation validation and ZORG-ID Smartcard.
import { AppError } from './errors';
import { validationPurposeRules } from './organisation';
import type { SmartcardCa } from './smartcard-ca';
import { smartcardPurposeRules } from './smartcard';
import type { PortalStore } from './store/store';
import { createValidator, type IdentityPort, type PurposeRules, type TokenValidator, type ValidatorOptions } from '@zorgid/validator';

export interface PortalValidatorDeps {
  trust: Pick<ValidatorOptions, 'trustAnchors' | 'intermediates' | 'crls' | 'ocsp'>;
  identity?: IdentityPort;
  clock: () => number;
  store: PortalStore;
  smartcardCa: SmartcardCa | null;
  /** A first login of an unknown valid card creates its user; off: ERR_TOKEN_USER_UNKNOWN. */
  autoEnrol: boolean;
}

export function createPortalValidator(deps: PortalValidatorDeps): TokenValidator {
  const { store } = deps;
  const loginRules: PurposeRules = async (ctx) => {
    const { purpose, holder } = ctx;
    if (purpose === 'enrol-user') throw new AppError('ERR_TOKEN_PURPOSE_NOT_SUPPORTED');
    if (purpose === 'validate-organisation') return validationPurposeRules(store, ctx);
    await smartcardPurposeRules(store, deps.smartcardCa, ctx);
    if (purpose !== 'login') return;
    const user = await store.getUser(holder.uziNumber);
    if (user?.status === 'blocked') throw new AppError('ERR_TOKEN_USER_BLOCKED');
    if (!user && !deps.autoEnrol) throw new AppError('ERR_TOKEN_USER_UNKNOWN');
  };

  return createValidator({
    ...deps.trust,
    clock: deps.clock,
    identity: deps.identity,
    purposeRules: loginRules,
    requests: {
      async find(id) {
        const r = await store.getHandoff(id);
        if (!r) return null;
        return {
          id: r.id,
          purpose: r.purpose,
          challenge: r.challenge,
          origin: r.origin,
          ura: r.ura,
          expiresAt: r.expiresAt,
          usedAt: r.usedAt,
          cancelled: r.state === 'cancelled' || r.state === 'failed',
        };
      },
      markUsed: (id, at) => store.markHandoffUsed(id, at),
    },
  });
}
