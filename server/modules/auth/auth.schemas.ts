import { z } from 'zod';

import { staffRole } from '../shared.schemas.js';

export const subscriberLoginBody = z.object({
  contract: z.string().trim().min(1).max(40).describe('contract number (the login)'),
  password: z.string().min(1).max(256),
});
export const staffLoginBody = z.object({
  email: z.string().trim().min(3).max(200),
  password: z.string().min(1).max(256),
  totp: z.string().trim().max(10).optional(),
});
export const loginResponse = z.object({
  token: z.string().describe('bearer token for the mobile API; the web uses the httpOnly cookie set with it'),
  csrfToken: z.string().describe('echo in X-CSRF-Token on unsafe requests made with the cookie'),
  expiresAt: z.string(),
  mustChangePassword: z.boolean(),
});
export const staffView = z.object({
  id: z.number(),
  email: z.string(),
  fullName: z.string(),
  role: staffRole,
  totpEnabled: z.boolean(),
});
export const staffLoginResponse = loginResponse.omit({ mustChangePassword: true }).extend({ staff: staffView });
export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});
export const meResponse = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscriber'),
    contract: z.string(),
    account: z.string(),
    fullName: z.string(),
    mustChangePassword: z.boolean(),
  }),
  z.object({
    type: z.literal('staff'),
    staff: staffView,
    version: z.string().describe('The running Abonent release (shown in the back office)'),
  }),
]);
export const sessionsResponse = z.object({
  sessions: z.array(
    z.object({
      id: z.number(),
      userAgent: z.string().nullable(),
      ip: z.string().nullable(),
      createdAt: z.string(),
      lastSeenAt: z.string(),
      current: z.boolean(),
    }),
  ),
});
export const sessionParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const totpSetupResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const totpEnableBody = z.object({ secret: z.string().min(16).max(64), code: z.string().regex(/^\d{6}$/) });

export const sessionResponse = z.object({ me: meResponse.nullable().describe('null: nobody is signed in') });
