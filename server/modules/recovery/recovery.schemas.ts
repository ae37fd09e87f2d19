import { z } from 'zod';

import { phoneInput } from '../contracts/contracts.schemas.js';

export const recoveryChannel = z.enum(['sms', 'email']);
export const recoveryStartBody = z.object({
  regionId: z.number().int().positive().max(32_767),
  phone: phoneInput,
  account: z
    .string()
    .trim()
    .regex(/^\d{6,12}$/, 'account: digits'),
  channel: recoveryChannel,
});
export const recoveryStartResponse = z.object({ status: z.literal('sent_if_exists'), channel: recoveryChannel });
export const recoveryCompleteBody = z.union([
  z.object({
    account: z.string().trim().min(1).max(20),
    code: z.string().regex(/^\d{6}$/),
    newPassword: z.string().min(1).max(256),
  }),
  z.object({ token: z.string().min(10).max(200), newPassword: z.string().min(1).max(256) }),
]);
