// Organisation registrations (operator, VZVZ) and "Ik wil een organisatie valideren" (manual §6,
// portal-rules.md §6): the UZI-pas handoff, confirmation, and the two branches — an existing Mobiel ID
// of the card holder, or birth date → app-store links → an enrolment code for a new Mobiel ID. The
// desktop app follows the validation over the back-channel (`GET /api/handoff/{id}/organisation`).
// The input rules and wire formats are here; the routes are in routes/operator-routes.ts and
// routes/organisation-routes.ts.
import { z } from 'zod';
import type { UziHolder } from '@zorgid/uzi';
import { AppError } from './errors';
import type { FieldErrors } from './pages/organisation-pages';
import type { PurposeContext } from '@zorgid/validator';
import type { PortalStore } from './store/store';

export const ENROLMENT_TTL_MS = 10 * 24 * 60 * 60_000;
/** Random bytes in an enrolment code: 18 → 24 base64url characters (the protocol asks ≥ 22). */
export const ENROLMENT_CODE_BYTES = 18;

export const holderName = (h: UziHolder): string => h.commonName ?? ([h.givenName, h.surname].filter(Boolean).join(' ') || h.uziNumber);

const requiredText = (label: string, max: number) =>
  z.string({ error: `Vul ${label} in.` }).trim().min(1, `Vul ${label} in.`).max(max, `Maximaal ${max} tekens.`);

export const uraSchema = z.string({ error: 'Vul het URA-nummer in.' }).trim().regex(/^\d{8}$/, 'Het URA-nummer bestaat uit precies 8 cijfers.');

/** An organisation registration as the operator enters it. */
export const registrationSchema = z.object({
  ura: uraSchema,
  name: requiredText('de naam van de organisatie', 200),
  street: requiredText('straat en huisnummer', 200),
  postcode: z
    .string({ error: 'Vul de postcode in.' })
    .trim()
    .toUpperCase()
    .regex(/^[1-9]\d{3} ?[A-Z]{2}$/, 'Vul een Nederlandse postcode in, bijvoorbeeld 1234 AB.')
    .transform((p) => `${p.slice(0, 4)} ${p.slice(-2)}`),
  city: requiredText('de plaats', 100),
});
export type RegistrationInput = z.infer<typeof registrationSchema>;

/** A birth date as on the ID document: a real date, the person 16 to 120 years old at `now`. */
export function birthDateSchema(now: number) {
  return z
    .string({ error: 'Vul uw geboortedatum in.' })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Vul uw geboortedatum in als JJJJ-MM-DD.')
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? !/^\d{4}-\d{2}-\d{2}$/.test(v) : d.toISOString().slice(0, 10) === v;
    }, 'Deze datum bestaat niet.')
    .refine((v) => {
      const born = new Date(`${v}T00:00:00Z`);
      if (Number.isNaN(born.getTime())) return true;
      const today = new Date(now);
      let age = today.getUTCFullYear() - born.getUTCFullYear();
      if (today.getUTCMonth() < born.getUTCMonth() || (today.getUTCMonth() === born.getUTCMonth() && today.getUTCDate() < born.getUTCDate())) age--;
      return born.getTime() < now && age >= 16 && age <= 120;
    }, 'De geboortedatum moet in het verleden liggen; u bent tussen 16 en 120 jaar oud.');
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '_');
    out[key] ??= issue.message;
  }
  return out;
}

/** Step 8 of the validator for validate-organisation: the registration must exist and still be open. */
export async function validationPurposeRules(store: PortalStore, ctx: PurposeContext): Promise<void> {
  const registration = ctx.request.ura ? await store.getRegistration(ctx.request.ura) : null;
  if (!registration) throw new AppError('ERR_ORG_URA_UNKNOWN');
  if (registration.status !== 'pending') throw new AppError('ERR_ORG_REGISTRATION_FINISHED');
}

/** What `GET /api/handoff/{id}/organisation` answers the desktop app (documented in docs/handoff-protocol.md §7). */
export const organisationAnswerSchema = z.object({
  purpose: z.literal('validate-organisation'),
  state: z.enum(['handoff', 'card-verified', 'birth-date', 'app-links', 'code-issued', 'active']),
  organisation: z.object({ ura: z.string(), name: z.string(), street: z.string(), postcode: z.string(), city: z.string(), status: z.enum(['pending', 'active']) }),
  holder: z.object({ name: z.string(), uziNumber: z.string() }).nullable(),
  branch: z.enum(['existing', 'new']).nullable(),
  enrolment: z
    .object({
      /** Present exactly once: in the first answer after the code was issued. */
      payload: z.string().optional(),
      qrDataUrl: z.string().optional(),
      holderName: z.string(),
      expiresAt: z.iso.datetime(),
      delivered: z.boolean(),
    })
    .nullable(),
});
export type OrganisationAnswer = z.infer<typeof organisationAnswerSchema>;
