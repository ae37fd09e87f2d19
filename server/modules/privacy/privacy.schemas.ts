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
    }),
  ),
});
