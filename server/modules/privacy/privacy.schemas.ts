import { z } from 'zod';

import { component } from '../../plugins/openapi.js';
import { idNumber, lang } from '../shared.schemas.js';

export const consentTextQuery = z.object({ lang: lang.default('ru') });
export const consentTextResponse = component(
  'ConsentText',
  z.object({
    version: z.string().describe('send it as consentVersion when signing'),
    sha256: z.string().describe('of the Russian text, the one signed'),
    text: z.string(),
  }),
);
export const accountIdParams = z.object({ accountId: idNumber });
export const consentsResponse = z.object({
  anonymizedAt: z.string().nullable().describe('when the personal data was anonymised, null while kept'),
  consents: z.array(
    z.object({
      id: z.number(),
      purpose: z.string(),
      version: z.string(),
      textSha256: z.string(),
      channel: z.string(),
      staffId: z.number().nullable(),
      acceptedAt: z.string(),
      withdrawnAt: z.string().nullable().describe('when the subscriber withdrew it; null while in force'),
      withdrawalChannel: z.enum(['cabinet', 'office']).nullable(),
      withdrawnByStaffId: z.number().nullable().describe('who entered a written withdrawal at the office'),
    }),
  ),
});

export const myConsentsResponse = component(
  'MyConsents',
  z.object({
    state: z
      .enum(['in_force', 'withdrawn', 'not_recorded'])
      .describe('in_force: a consent given and not withdrawn; not_recorded: none kept in Abonent (a paper one)'),
    consents: z.array(
      z.object({
        version: z.string(),
        channel: z.string().describe('where it was given: office'),
        acceptedAt: z.string(),
        withdrawnAt: z.string().nullable(),
        withdrawalChannel: z.enum(['cabinet', 'office']).nullable(),
      }),
    ),
  }),
);
export const withdrawalBody = z.object({
  confirm: z.literal(true).describe('the subscriber confirmed after reading what changes'),
});
export const staffWithdrawalBody = z.object({
  confirm: z.literal(true).describe('a written, signed application was received and filed with the contract'),
});
export const withdrawalResponse = z.object({ withdrawnAt: z.string() });
