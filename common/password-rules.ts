/**
 * Rules for a subscriber's new password, shared by the form (hints as you type) and the server.
 * At least 8 characters, letters and digits, not the contract number, not a well-known password.
 */
export type PasswordProblem = 'too_short' | 'too_long' | 'needs_letter' | 'needs_digit' | 'is_login' | 'too_common';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

const COMMON = new Set([
  'password',
  'password1',
  'qwerty123',
  '12345678',
  '123456789',
  '1234567890',
  '11111111',
  'qwertyui',
  'iloveyou',
  'abc12345',
  'qwerty12',
  'password123',
  'admin123',
  'welcome1',
  '1q2w3e4r',
  '1qaz2wsx',
  'zaq12wsx',
  'qwe123qwe',
  'parol123',
  'privet123',
  'internet1',
  'abonent1',
]);

export function passwordProblems(password: string, opts: { login?: string } = {}): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < PASSWORD_MIN) problems.push('too_short');
  if (password.length > PASSWORD_MAX) problems.push('too_long');
  if (!/\p{L}/u.test(password)) problems.push('needs_letter');
  if (!/\p{Nd}/u.test(password)) problems.push('needs_digit');
  if (opts.login && password.toLowerCase().includes(opts.login.toLowerCase())) problems.push('is_login');
  if (COMMON.has(password.toLowerCase())) problems.push('too_common');
  return problems;
}
