// Validation of invitation input, before any network call (PRODUCT.md 3.1).
import { z } from 'zod';
import type { FieldErrorCode } from '../errors';

const FORBIDDEN_IN_LOCAL = /[~!#$%^&*()+=[\]{}\\/|;:"<>?,\s]/;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_DISPLAY_NAME_LENGTH = 256;
export const MAX_MESSAGE_LENGTH = 1000;

/**
 * The most a card field may hold before anything (trimming aside, no regex) looks at it; over it the
 * field gets its "too long" error at once and is not echoed back. The single fields allow several
 * times the product limit (pasted spaces, `mailto:`, a message being edited down to 1,000); the
 * list allows MAX_BULK_LINES (1,000) lines of 100 characters: a line such as `Firstname Lastname
 * <first.last@fabrikam.com>` is about 60, so longer names and addresses still fit.
 */
export const MAX_FIELD_INPUT = { email: 1_000, displayName: 1_000, message: 4_000, bulk: 100_000 } as const;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export type FieldCheck<T> = { ok: true; value: T } | { ok: false; code: FieldErrorCode };

/** Checks an address against Graph's rules for invitedUserEmailAddress; returns it lower-cased. */
export function checkEmail(raw: string | undefined): FieldCheck<string> {
  if ((raw ?? '').length > MAX_FIELD_INPUT.email) return { ok: false, code: 'emailTooLong' };
  const email = (raw ?? '').trim().replace(/^mailto:/i, '');
  if (email === '') return { ok: false, code: 'emailRequired' };
  if (email.length > MAX_EMAIL_LENGTH) return { ok: false, code: 'emailTooLong' };
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1 || email.indexOf('@') !== at) return { ok: false, code: 'emailInvalid' };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (local.length > 64) return { ok: false, code: 'emailTooLong' };
  if (FORBIDDEN_IN_LOCAL.test(local) || CONTROL_CHARACTERS.test(local)) return { ok: false, code: 'emailForbiddenCharacter' };
  if (/^[.-]|[.-]$/.test(local) || local.includes('..')) return { ok: false, code: 'emailDotOrDashAtEdge' };
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || !/^[a-z]{2,63}$/.test(tld)) {
    return { ok: false, code: 'emailDomainInvalid' };
  }
  return { ok: true, value: `${local.toLowerCase()}@${domain}` };
}

/** Trimmed display name, 1 to 256 characters; defaults to the address's local part. */
export function checkDisplayName(raw: string | undefined, email: string): FieldCheck<string> {
  const name = (raw ?? '').trim();
  if (name.length > MAX_DISPLAY_NAME_LENGTH) return { ok: false, code: 'displayNameTooLong' };
  if (CONTROL_CHARACTERS.test(name)) return { ok: false, code: 'displayNameControlCharacter' };
  // An address is never a name: `/invite sam@x.com tom@x.com` names two people, not Sam called "tom@x.com".
  if (name.includes('@') && checkEmail(name).ok) return { ok: false, code: 'displayNameIsEmail' };
  return { ok: true, value: name === '' ? email.slice(0, email.lastIndexOf('@')) : name };
}

export function checkMessage(raw: string | undefined): FieldCheck<string | undefined> {
  const message = (raw ?? '').trim();
  if (message.length > MAX_MESSAGE_LENGTH) return { ok: false, code: 'messageTooLong' };
  return { ok: true, value: message === '' ? undefined : message };
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** What a person typed (card or command), before validation. Unknown fields are dropped. */
export const inviteInputSchema = z.object({
  email: z.string().optional(),
  displayName: z.string().optional(),
  message: z.string().optional(),
  sendEmail: z.union([z.boolean(), z.string()]).optional(),
  /** The invite card's list: several people, one per line. */
  bulk: z.string().optional(),
});
export type InviteInput = z.infer<typeof inviteInputSchema>;

export interface ValidInvite {
  email: string;
  displayName: string;
  message?: string;
  sendEmail: boolean;
}

export type InviteFieldErrors = Partial<Record<'email' | 'displayName' | 'message' | 'bulk', FieldErrorCode>>;

const TOO_LONG = { email: 'emailTooLong', displayName: 'displayNameTooLong', message: 'messageTooLong', bulk: 'bulkTooLong' } as const;

/** The fields over MAX_FIELD_INPUT, checked before any parsing; empty when every field fits. */
export function oversizedFields(input: InviteInput): InviteFieldErrors {
  const errors: InviteFieldErrors = {};
  for (const field of Object.keys(TOO_LONG) as (keyof typeof TOO_LONG)[]) {
    if ((input[field] ?? '').length > MAX_FIELD_INPUT[field]) errors[field] = TOO_LONG[field];
  }
  return errors;
}

export function validateInvite(
  input: InviteInput,
  defaults: { sendEmail: boolean },
): { ok: true; value: ValidInvite } | { ok: false; errors: InviteFieldErrors } {
  const errors: InviteFieldErrors = {};
  const email = checkEmail(input.email);
  if (!email.ok) errors.email = email.code;
  const name = checkDisplayName(input.displayName, email.ok ? email.value : '');
  if (!name.ok) errors.displayName = name.code;
  const message = checkMessage(input.message);
  if (!message.ok) errors.message = message.code;
  if (!email.ok || !name.ok || !message.ok) return { ok: false, errors };
  const sendEmail =
    input.sendEmail === undefined || input.sendEmail === '' ? defaults.sendEmail : input.sendEmail === true || input.sendEmail === 'true';
  return { ok: true, value: { email: email.value, displayName: name.value, message: message.value, sendEmail } };
}
