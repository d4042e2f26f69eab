// The one PIN input of the app (login PIN dialog, new Smartcard PIN, UZI-pas PIN during creation): a
// password field for digits only, with its length hint and its error. The value stays in the DOM
// field (uncontrolled, read through `inputRef`) so no React state ever holds a PIN.
import type { ReactNode, Ref } from 'react';
import { useT } from '../i18n';

export interface PinFieldProps {
  /** The input's id; the hint is `${id}-hint`, the error `${id}-error`. Tests and labels select on them. */
  id: string;
  label: string;
  inputRef: Ref<HTMLInputElement>;
  /** Accepted lengths (pinLengths() for a card that says so); 6–8 digits otherwise. */
  min?: number;
  max?: number;
  /** Show the "6 tot 8 cijfers." hint (default true), followed by `note`. */
  hint?: boolean;
  note?: string;
  /** The typed PIN does not have min–max digits: shows the standard message. */
  formatError?: boolean;
  /** Any other problem with this field (e.g. "the two PINs differ"); shown when there is no format error. */
  error?: string | null;
  autoFocus?: boolean;
  disabled?: boolean;
  /** Under the field, after the error: e.g. main's refusal as an ErrorNotice. */
  children?: ReactNode;
}

/** Whether `pin` has the form the field asks for (digits, min–max long). */
export function isPinForm(pin: string, min = 6, max = 8): boolean {
  return pin.length >= min && pin.length <= max && /^\d+$/.test(pin);
}

export function PinField({ id, label, inputRef, min = 6, max = 8, hint = true, note, formatError = false, error = null, autoFocus, disabled, children }: PinFieldProps) {
  const t = useT();
  const message = formatError ? t('pin.format', { min: String(min), max: String(max) }) : error;
  const digits = min === max ? t('pin.hintSame', { min: String(min) }) : t('pin.hint', { min: String(min), max: String(max) });
  const describedBy = [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        ref={inputRef}
        className="input input--pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={max}
        aria-describedby={describedBy || undefined}
        aria-invalid={message ? true : undefined}
        autoFocus={autoFocus}
        disabled={disabled}
      />
      {hint && (
        <span id={`${id}-hint`} className="field__hint">
          {note ? `${digits} ${note}` : digits}
        </span>
      )}
      {message && (
        <p id={`${id}-error`} className="field__error" role="alert">
          {message}
        </p>
      )}
      {children}
    </div>
  );
}
