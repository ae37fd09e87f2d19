import { z } from 'zod';

/** Russian mobile/landline numbers as 7XXXXXXXXXX: accepts +7, 8, spaces, dashes, brackets. */
export const phoneInput = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s()+-]/g, ''))
  .refine((v) => /^[78]?\d{10}$/.test(v), 'phone: 10 digits, optionally starting with +7 or 8')
  .transform((v) => `7${v.slice(-10)}`);

export const signContractBody = z.object({
  fullName: z.string().trim().min(3).max(200),
  address: z.string().trim().min(5).max(300),
  phone: phoneInput,
  email: z.string().trim().email().max(200).nullish(),
  passport: z
    .string()
    .trim()
    .refine((v) => /^\d{4}\s?\d{6}$/.test(v), 'passport: series (4 digits) and number (6 digits)'),
  regionId: z.number().int().positive().max(32_767),
  tariffId: z.number().int().positive().max(2_147_483_647),
  serviceIds: z.array(z.number().int().positive().max(2_147_483_647)).max(20).default([]),
  consentVersion: z
    .string()
    .trim()
    .max(40)
    .describe(
      'the version of the consent to the processing of personal data the subscriber signed (GET /api/staff/privacy/consent); required',
    ),
});

export const signContractResponse = z.object({
  contract: z.object({ id: z.number(), number: z.string() }),
  account: z.object({ id: z.number(), number: z.string() }),
  initialPassword: z.string().describe('shown once; never stored in clear'),
  network: z
    .object({ login: z.string(), password: z.string() })
    .nullable()
    .describe('PPPoE login and password issued with the contract (also on the PDF)'),
  pdfUrl: z.string(),
});

export const contractIdParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
