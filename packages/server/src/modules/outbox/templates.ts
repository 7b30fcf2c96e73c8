/**
 * What a verification or recovery message says. Each account may set its own (`openmeshy account
 * set ACCOUNT --mail-template verify|reset ...`); the placeholders are {code}, {username},
 * {expires} and {account}, and anything else in braces stays as written.
 */
export type MessagePurpose = 'verify' | 'reset';

export interface MessageTemplate {
  subject: string;
  /** The e-mail's plain-text body. */
  text: string;
  /** The text message: short, one line. */
  sms: string;
}

export type MessageTemplates = Partial<Record<MessagePurpose, Partial<MessageTemplate>>>;

export const defaultTemplates: Record<MessagePurpose, MessageTemplate> = {
  verify: {
    subject: 'Your {account} verification code',
    text: 'Hello {username},\n\nYour verification code is {code}.\n\nIt expires at {expires}. If you did not sign up, you can ignore this message.\n',
    sms: '{code} is your {account} verification code. It expires at {expires}.',
  },
  reset: {
    subject: 'Your {account} password reset code',
    text: 'Hello {username},\n\nYour password reset code is {code}.\n\nIt expires at {expires}. If you did not ask to reset your password, you can ignore this message: your password has not changed.\n',
    sms: '{code} is your {account} password reset code. It expires at {expires}.',
  },
};

export interface TemplateValues {
  code: string;
  username: string;
  expires: string;
  account: string;
}

/** The account's template for the purpose, field by field over the defaults. */
export function templateFor(templates: MessageTemplates | undefined, purpose: MessagePurpose): MessageTemplate {
  return { ...defaultTemplates[purpose], ...stripUndefined(templates?.[purpose]) };
}

/** One pass over the template: a value that itself contains "{code}" is not expanded again. */
export function render(template: string, values: TemplateValues): string {
  return template.replace(/\{(code|username|expires|account)\}/g, (_match, key: keyof TemplateValues) => values[key]);
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Partial<T>;
}
