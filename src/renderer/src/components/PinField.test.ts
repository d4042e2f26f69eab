// The PIN rule every PIN field checks before anything goes to main.
import { describe, expect, it } from 'vitest';
import { isPinForm } from './PinField';

describe('isPinForm', () => {
  it('takes 6 to 8 digits by default', () => {
    expect(['123456', '1234567', '12345678'].map((p) => isPinForm(p))).toEqual([true, true, true]);
    expect(['', '12345', '123456789'].map((p) => isPinForm(p))).toEqual([false, false, false]);
  });

  it('refuses anything but digits', () => {
    expect(['12345a', '123 456', '１２３４５６', '-123456', '12345\n'].map((p) => isPinForm(p))).toEqual([false, false, false, false, false]);
  });

  it('follows the lengths the card gives', () => {
    expect(isPinForm('123456', 6, 6)).toBe(true);
    expect(isPinForm('1234567', 6, 6)).toBe(false);
    expect(isPinForm('123456', 7, 8)).toBe(false);
  });
});
