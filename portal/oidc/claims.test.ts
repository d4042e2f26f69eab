// The name parts as Dezi's verklaring has them, from the one surname field of a UZI certificate.
import { describe, expect, it } from 'vitest';
import { initials, splitSurname } from './claims';

describe('name claims', () => {
  it.each([
    ['de Vries', 'de', 'Vries'],
    ['van der Berg', 'van der', 'Berg'],
    ["'t Hart", "'t", 'Hart'],
    ['Jansen', null, 'Jansen'],
    ['van den Berg-de Groot', 'van den', 'Berg-de Groot'],
    // A surname that is only a particle stays a surname.
    ['Van', null, 'Van'],
  ])('splits %s into voorvoegsel %s and achternaam %s', (surname, voorvoegsel, achternaam) => {
    expect(splitSurname(surname)).toEqual({ voorvoegsel, achternaam });
  });

  it('makes voorletters of every given name, hyphenated ones too', () => {
    expect(initials('Anna Maria')).toBe('A.M.');
    expect(initials('jan-willem')).toBe('J.W.');
    expect(initials('  Sanne ')).toBe('S.');
  });
});
