// Rolcode `NN.NNN`: profession (first two digits) and specialism (last three). Labels are Dutch
// because they are shown as-is; unknown codes are shown as the code itself (uzi-domain.md).

/** Profession labels, used for `NN.000`. */
export const UZI_PROFESSIONS: Readonly<Record<string, string>> = {
  '00': 'Medewerker',
  '01': 'Arts',
  '02': 'Tandarts',
  '03': 'Verloskundige',
  '04': 'Fysiotherapeut',
  '16': 'Psychotherapeut',
  '17': 'Apotheker',
  '25': 'GZ-psycholoog',
  '30': 'Verpleegkundige',
  '81': 'Physician assistant',
  '99': 'Andere zorgverlener',
};

/** Specialisms with their own label. */
export const UZI_ROLES: Readonly<Record<string, string>> = {
  '01.004': 'Apotheekhoudend huisarts',
  '01.010': 'Cardioloog',
  '01.015': 'Huisarts',
  '01.035': 'Psychiater',
  '17.060': 'Ziekenhuisapotheker',
  '17.075': 'Openbaar apotheker',
};

// Professions 83–98 are the "artikel 34" professions of the Wet BIG.
const ARTICLE_34 = 'Beroep artikel 34 Wet BIG';

export function roleLabel(code: string): string {
  const exact = UZI_ROLES[code];
  if (exact) return exact;
  const m = /^(\d{2})\.000$/.exec(code);
  if (!m) return code;
  const profession = m[1]!;
  const label = UZI_PROFESSIONS[profession];
  if (label) return label;
  const n = Number(profession);
  if (n >= 83 && n <= 98) return ARTICLE_34;
  return code;
}
