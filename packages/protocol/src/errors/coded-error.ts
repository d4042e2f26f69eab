// Coded errors, the one way this product says what went wrong across a boundary (IPC, HTTP, CLI).
// Each package owns a closed family of codes (ERR_<AREA>_<REASON>) with a kind (what the person can do
// about it: retry | cancel | fatal) and its Dutch + English texts beside them. A consumer composes the
// families it can meet into its own; `instanceof` on a family's class is true for every coded error
// whose code belongs to that family, whichever package threw it.

export type ErrorKind = 'retry' | 'cancel' | 'fatal';
export type Language = 'nl' | 'en';
export type ErrorKinds = Readonly<Record<string, ErrorKind>>;
export type ErrorTexts<C extends string> = Readonly<Record<C, Readonly<Record<Language, string>>>>;

export interface SerializedError<C extends string = string> {
  code: C;
  kind: ErrorKind;
  detail?: Record<string, unknown>;
}

/** A coded error. `detail` is for logs and support, never shown as the message. */
export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly kind: ErrorKind;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: C, kind: ErrorKind, detail?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'CodedError';
    this.code = code;
    this.kind = kind;
    this.detail = detail;
  }

  toJSON(): SerializedError<C> {
    return { code: this.code, kind: this.kind, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

/** A closed family of codes and the class that throws them. */
export interface ErrorFamily<C extends string> {
  readonly kinds: Readonly<Record<C, ErrorKind>>;
  readonly codes: readonly C[];
  isCode(value: unknown): value is C;
  kindOf(code: C): ErrorKind;
}

export function errorFamily<K extends ErrorKinds>(kinds: K): ErrorFamily<keyof K & string> {
  type C = keyof K & string;
  return {
    kinds,
    codes: Object.keys(kinds) as C[],
    isCode: (value: unknown): value is C => typeof value === 'string' && Object.prototype.hasOwnProperty.call(kinds, value),
    kindOf: (code: C) => kinds[code] as ErrorKind,
  };
}

/** The error class of a family: `new X(code, detail)` takes the kind from the family's table. */
export function familyErrorClass<C extends string>(name: string, family: ErrorFamily<C>) {
  return class FamilyError extends CodedError<C> {
    constructor(code: C, detail?: Record<string, unknown>, options?: { cause?: unknown }) {
      super(code, family.kindOf(code), detail, options);
      this.name = name;
    }

    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof CodedError && family.isCode(value.code);
    }
  };
}

/** Serialises any thrown value into the family: a coded error of another family, or anything else, is ERR_INTERNAL. */
export function serializeInto<C extends string>(family: ErrorFamily<C | 'ERR_INTERNAL'>) {
  return (err: unknown): SerializedError<C | 'ERR_INTERNAL'> => {
    if (err instanceof CodedError && family.isCode(err.code)) return { code: err.code, kind: err.kind, ...(err.detail ? { detail: err.detail } : {}) };
    return { code: 'ERR_INTERNAL', kind: 'fatal', detail: { message: err instanceof Error ? err.message : String(err) } };
  };
}

/** What crosses IPC and HTTP: never a thrown error. */
export type Result<T, C extends string = string> = { ok: true; value: T } | { ok: false; error: SerializedError<C> };
