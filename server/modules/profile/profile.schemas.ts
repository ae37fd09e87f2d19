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
});
export const preferencesBody = z.object({
  email: z.boolean().optional(),
  sms: z.boolean().optional(),
  lang: lang.optional(),
});
export const contactStartBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('phone'), value: phoneInput }),
  z.object({ kind: z.literal('email'), value: z.string().trim().email().max(200) }),
]);
export const contactStartResponse = z.object({ sent: z.literal(true) });
export const contactConfirmBody = z.object({ kind: contactKind, code: z.string().regex(/^\d{6}$/) });
