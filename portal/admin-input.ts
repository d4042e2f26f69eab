// Input rules of the administration (portal-rules.md §4): the forms' and the JSON API's fields, with
// the Dutch messages shown beside them. The administration routes (routes/admin-*.ts) and smartcard.ts
// parse with these before any operation runs.
import { z } from 'zod';
import { PORTAL_ROLES } from './admin';
import { ATTRIBUTE_TYPES, BLOCK_REASONS, type BlockReason, type PortalRole } from './store/store';
import { normaliseZorgIdId } from './zorg-id';

/** Letters (any script, with diacritics), spaces, hyphens and apostrophes; at least one letter. */
const NAME = /^[\p{L}\p{M}' ’-]+$/u;

function nameSchema(label: string) {
  return z
    .string({ error: `Vul de ${label} in.` })
    .transform((v) => v.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, `Vul de ${label} in.`)
        .max(100, `De ${label} is te lang (maximaal 100 tekens).`)
        .regex(NAME, `Gebruik in de ${label} alleen letters, spaties, koppeltekens en apostroffen.`)
        .refine((v) => /\p{L}/u.test(v), `De ${label} moet letters bevatten.`),
    );
}

function ageAt(born: Date, now: number): number {
  const today = new Date(now);
  let age = today.getUTCFullYear() - born.getUTCFullYear();
  if (today.getUTCMonth() < born.getUTCMonth() || (today.getUTCMonth() === born.getUTCMonth() && today.getUTCDate() < born.getUTCDate())) age--;
  return age;
}

/** The user's birth date as on the ID document: a real date in the past, 16 to 120 years old at `now`. */
export function userBirthDateSchema(now: number) {
  return z
    .string({ error: 'Vul de geboortedatum in.' })
    .trim()
    .min(1, 'Vul de geboortedatum in.')
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Vul de geboortedatum in als JJJJ-MM-DD.')
    .superRefine((v, ctx) => {
      const born = new Date(`${v}T00:00:00Z`);
      if (Number.isNaN(born.getTime()) || born.toISOString().slice(0, 10) !== v) {
        ctx.addIssue({ code: 'custom', message: 'Deze datum bestaat niet.' });
        return;
      }
      if (born.getTime() >= now) {
        ctx.addIssue({ code: 'custom', message: 'De geboortedatum moet in het verleden liggen.' });
        return;
      }
      const age = ageAt(born, now);
      if (age < 16 || age > 120) ctx.addIssue({ code: 'custom', message: 'De gebruiker moet tussen 16 en 120 jaar oud zijn.' });
    });
}

const uraField = z.string({ error: 'Kies een organisatie.' }).trim().regex(/^\d{8}$/, 'Kies een organisatie.');
const deliveryField = z.enum(['browser', 'desktop'], { error: 'Kies waar de QR-code getoond wordt.' }).default('browser');

export function registerUserSchema(now: number) {
  return z.object({
    organisatie: uraField,
    voornaam: nameSchema('voornaam'),
    achternaam: nameSchema('achternaam'),
    geboortedatum: userBirthDateSchema(now),
    bezorging: deliveryField,
  });
}

export function addExistingSchema(now: number) {
  return z.object({
    organisatie: uraField,
    zorgIdId: z
      .string({ error: 'Vul de ZORG-ID ID in.' })
      .trim()
      .min(1, 'Vul de ZORG-ID ID in.')
      .max(40, 'Vul de ZORG-ID ID in zoals ZID-XXXX-XXXX-XXXX.')
      .transform((v, ctx) => {
        const id = normaliseZorgIdId(v);
        if (!id) {
          ctx.addIssue({ code: 'custom', message: 'Vul de ZORG-ID ID in zoals ZID-XXXX-XXXX-XXXX.' });
          return z.NEVER;
        }
        return id;
      }),
    geboortedatum: userBirthDateSchema(now),
  });
}

export const blockSchema = z.object({
  reden: z.enum(Object.keys(BLOCK_REASONS) as [BlockReason, ...BlockReason[]], { error: 'Kies een reden uit de lijst.' }),
});

/** Irreversible or national steps ask for an explicit yes (§7.4.2, §7.5, §8.2). */
export const confirmSchema = z.object({ bevestigd: z.literal('ja', { error: 'Bevestig deze handeling.' }) });

export const roleSchema = z.object({
  rol: z.enum(PORTAL_ROLES as [PortalRole, ...PortalRole[]], { error: 'Kies een rol: Administrator, Beheerder of Gebruiker.' }),
  bezorging: deliveryField,
});

export const attributeSchema = z.object({
  type: z.enum(ATTRIBUTE_TYPES, { error: 'Kies een type uit de lijst.' }),
  taakcode: z
    .string({ error: 'Vul de taakcode in.' })
    .trim()
    .min(1, 'Vul de taakcode in.')
    .max(35, 'De taakcode is te lang (maximaal 35 tekens).')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Gebruik in de taakcode alleen letters, cijfers, punten, koppeltekens en liggende streepjes.'),
});

export const newCertificateSchema = z.object({ bezorging: deliveryField });
