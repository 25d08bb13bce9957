/**
 * The fields of PUT /users, defined once: what each one is as sent (always a JSON string),
 * its bounds, whether "" clears it, and who may set it. The route's body schema
 * (src/http/routes/users.ts), the service's checks and the changes it stores
 * (src/services/profiles.ts, src/db/user-store.ts) and the account page's form
 * (web/src/pages/account.ts, web/src/i18n.ts) are all derived from PROFILE_FIELDS.
 *
 * Plain TypeScript with no imports: web/ imports it too (src/shared/ is the folder both
 * sides share; scripts/build-web-if-stale.mjs rebuilds the pages when it changes).
 */

/** Everyone, or doctors only: a patient who sends a doctors' field is refused with ROLEERR. */
export type SetBy = 'everyone' | 'doctors';

/** Free text, trimmed; at most `maxLength` characters (code points) are kept. */
export interface TextField {
  readonly kind: 'text';
  readonly maxLength: number;
  /** "" (or only spaces) clears it to null; otherwise it must not be empty. */
  readonly clearable: boolean;
  readonly setBy: SetBy;
}

/** A whole number written in digits, from `min` to `max`; stored as a number. */
export interface WholeNumberField {
  readonly kind: 'wholeNumber';
  readonly min: number;
  readonly max: number;
  readonly clearable: boolean;
  readonly setBy: SetBy;
}

/** One of a few words. */
export interface ChoiceField {
  readonly kind: 'choice';
  readonly choices: readonly string[];
  readonly clearable: boolean;
  readonly setBy: SetBy;
}

export type ProfileFieldSpec = TextField | WholeNumberField | ChoiceField;

/** In the order they are checked and shown; the doctors' fields last. */
export const PROFILE_FIELDS = {
  name: { kind: 'text', maxLength: 32, clearable: false, setBy: 'everyone' },
  age: { kind: 'wholeNumber', min: 0, max: 150, clearable: true, setBy: 'everyone' },
  address: { kind: 'text', maxLength: 128, clearable: true, setBy: 'everyone' },
  major: { kind: 'text', maxLength: 64, clearable: true, setBy: 'doctors' },
  grade: { kind: 'choice', choices: ['professor', 'assprofessor'], clearable: true, setBy: 'doctors' },
} as const satisfies Record<string, ProfileFieldSpec>;

export type ProfileFields = Readonly<Record<string, ProfileFieldSpec>>;
export type ProfileFieldName = keyof typeof PROFILE_FIELDS;
export const PROFILE_FIELD_NAMES = Object.keys(PROFILE_FIELDS) as ProfileFieldName[];

/** A doctor's title. */
export type Grade = (typeof PROFILE_FIELDS.grade.choices)[number];

/** What a field holds once read: text, a number or a choice; null when it was cleared. */
export type StoredValue<F extends ProfileFieldSpec> = F extends WholeNumberField
  ? number | (F['clearable'] extends true ? null : never)
  : F extends ChoiceField
    ? F['choices'][number] | (F['clearable'] extends true ? null : never)
    : string | (F['clearable'] extends true ? null : never);

/** PUT /users as sent: any of the fields, each a string. */
export type ProfileInput = { [Name in ProfileFieldName]?: string };

/** What PUT /users changes, field by field, as stored. */
export type ProfileChanges = {
  -readonly [Name in ProfileFieldName]?: StoredValue<(typeof PROFILE_FIELDS)[Name]>;
};

/** Why a sent value is refused: empty where it may not be, too long, or not one of the allowed values. */
export type ProfileProblem = 'missing' | 'tooLong' | 'invalid';

export type FieldReading =
  { ok: true; value: string | number | null } | { ok: false; problem: ProfileProblem };

const characters = (text: string): number => [...text].length;

/**
 * One field's sent string checked and turned into what is stored. The server applies it
 * to what it is sent, the page to what was typed before sending.
 */
export function readProfileField(field: ProfileFieldSpec, sent: string): FieldReading {
  const trimmed = field.kind === 'text' ? sent.trim() : sent;
  if (trimmed === '') return field.clearable ? { ok: true, value: null } : { ok: false, problem: 'missing' };
  switch (field.kind) {
    case 'text':
      return characters(trimmed) > field.maxLength
        ? { ok: false, problem: 'tooLong' }
        : { ok: true, value: trimmed };
    case 'wholeNumber': {
      const digits = String(field.max).length;
      if (!new RegExp(`^\\d{1,${digits}}$`).test(trimmed)) return { ok: false, problem: 'invalid' };
      const value = Number(trimmed);
      return value < field.min || value > field.max ? { ok: false, problem: 'invalid' } : { ok: true, value };
    }
    case 'choice':
      return field.choices.includes(trimmed)
        ? { ok: true, value: trimmed }
        : { ok: false, problem: 'invalid' };
  }
}

/**
 * The most characters a field's string may have as sent. Text gets room for the spaces
 * around it, which are trimmed before its own limit is applied (the service then says the
 * field's rule in words); a number, as many digits as its maximum.
 */
export function sentMaxLength(field: ProfileFieldSpec): number {
  switch (field.kind) {
    case 'text':
      return field.maxLength * 2;
    case 'wholeNumber':
      return String(field.max).length;
    case 'choice':
      return Math.max(...field.choices.map((choice) => choice.length));
  }
}

/**
 * A form input's `maxlength` for a typed field (the input counts UTF-16 units, which is
 * never fewer than the characters counted here); null for a choice, picked from a list.
 */
export function inputMaxLength(field: ProfileFieldSpec): number | null {
  switch (field.kind) {
    case 'text':
      return field.maxLength;
    case 'wholeNumber':
      return String(field.max).length;
    case 'choice':
      return null;
  }
}

/** The JSON schema of PUT /users' body: every field an optional, bounded string. */
export function profileBodySchema(fields: ProfileFields) {
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(fields).map(([name, field]) => [name, sentSchema(field)]),
    ) as Record<string, { type: 'string'; maxLength: number; description?: string }>,
  } as const;
}

function sentSchema(field: ProfileFieldSpec): { type: 'string'; maxLength: number; description?: string } {
  const clears = field.clearable ? '; empty clears it' : '';
  const doctors = field.setBy === 'doctors' ? ' Doctors only.' : '';
  const description =
    field.kind === 'wholeNumber'
      ? `A whole number ${field.min}–${field.max}, as a string${clears}.${doctors}`
      : field.kind === 'choice'
        ? `${field.choices.join(' or ')}${clears}.${doctors}`
        : `At most ${field.maxLength} characters once trimmed${clears}.${doctors}`;
  return { type: 'string', maxLength: sentMaxLength(field), description };
}

/** The JSON schema of a field as GET /users reports it: what is stored, or null. */
export function storedSchema(field: ProfileFieldSpec): {
  type: 'string' | 'integer' | ['string' | 'integer', 'null'];
} {
  const type = field.kind === 'wholeNumber' ? 'integer' : 'string';
  return field.clearable ? { type: [type, 'null'] } : { type };
}
