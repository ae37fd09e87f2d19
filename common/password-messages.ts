import type { Lang } from './errors.js';
import type { PasswordProblem } from './password-rules.js';

/** Human words for each password problem (server error messages and form hints). */
export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem, Record<Lang, string>> = {
  too_short: { ru: 'не короче 8 символов', en: 'at least 8 characters' },
  too_long: { ru: 'не длиннее 128 символов', en: 'at most 128 characters' },
  needs_letter: { ru: 'нужна хотя бы одна буква', en: 'at least one letter' },
  needs_digit: { ru: 'нужна хотя бы одна цифра', en: 'at least one digit' },
  is_login: { ru: 'не должен содержать номер договора', en: 'must not contain the contract number' },
  too_common: { ru: 'слишком распространённый пароль', en: 'too common a password' },
};
