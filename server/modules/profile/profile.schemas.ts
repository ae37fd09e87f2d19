import { z } from 'zod';

import { phoneInput } from '../contracts/contracts.schemas.js';
import { lang } from '../shared.schemas.js';

export const contactKind = z.enum(['phone', 'email']);

export const profileResponse = z.object({
  account: z.string(),
  contract: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  preferences: z.object({ email: z.boolean(), sms: z.boolean(), lang }),
  missingContacts: z.array(contactKind),
  totpEnabled: z.boolean().describe('sign-in asks for a code from an authenticator app'),
  recoveryHeldUntil: z
    .object({ phone: z.string().nullable(), email: z.string().nullable() })
    .describe('a contact changed in the last 24 hours: password recovery to it opens at this time'),
});
export const preferencesBody = z.object({
  email: z.boolean().optional(),
  sms: z.boolean().optional(),
  lang: lang.optional(),
});
const currentPassword = z
  .string()
  .min(1)
  .max(256)
  .describe('the current password: a session alone cannot move the contacts recovery goes to');
export const contactStartBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('phone'), value: phoneInput, password: currentPassword }),
  z.object({ kind: z.literal('email'), value: z.string().trim().email().max(200), password: currentPassword }),
]);
export const contactStartResponse = z.object({ sent: z.literal(true) });
export const contactConfirmBody = z.object({ kind: contactKind, code: z.string().regex(/^\d{6}$/) });
