import { z } from 'zod';

import { staffRole } from '../shared.schemas.js';

const totpCode = z
  .string()
  .trim()
  .max(10)
  .describe('the 6-digit code from the authenticator app, when two-factor sign-in is on (asked with `totp_required`)');
const deviceToken = z
  .string()
  .max(200)
  .describe(
    'API clients: the deviceToken an earlier sign-in of this login returned (browsers send the abonent_device cookie)',
  );
export const subscriberLoginBody = z.object({
  contract: z.string().trim().min(1).max(40).describe('contract number (the login)'),
  password: z.string().min(1).max(256),
  totp: totpCode.optional(),
  deviceToken: deviceToken.optional(),
});
export const staffLoginBody = z.object({
  email: z.string().trim().min(3).max(200),
  password: z.string().min(1).max(256),
  totp: totpCode.optional(),
  deviceToken: deviceToken.optional(),
});
export const loginResponse = z.object({
  token: z.string().describe('bearer token for the mobile API; the web uses the httpOnly cookie set with it'),
  csrfToken: z.string().describe('echo in X-CSRF-Token on unsafe requests made with the cookie'),
  expiresAt: z.string(),
  deviceToken: z
    .string()
    .describe('keep and send with the next sign-in of this login: a known device is not slowed by guesses of others'),
  mustChangePassword: z.boolean(),
});
export const staffView = z.object({
  id: z.number(),
  email: z.string(),
  fullName: z.string(),
  role: staffRole,
  totpEnabled: z.boolean(),
  totpRequired: z.boolean().describe('the role must sign in with TOTP (admin and finance always)'),
  mustChangePassword: z.boolean().describe('an initial password: only changing it is open until then'),
  totpSetupRequired: z.boolean().describe('the role requires TOTP and none is set up: only setting it up is open'),
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
const sixDigits = z
  .string()
  .trim()
  .regex(/^\d{6}$/);
export const totpEnableBody = z.object({
  password: z.string().min(1).max(256).describe('the current password'),
  secret: z.string().min(16).max(64).describe('the secret from …/totp/setup, now in the app'),
  code: sixDigits.describe('a code the app shows for the new secret'),
  currentCode: sixDigits.optional().describe('when two-factor sign-in is already on: a code from the app in use'),
});
export const totpDisableBody = z.object({
  password: z.string().min(1).max(256),
  code: sixDigits.describe('a code from the app in use'),
});
export const staffResetBody = z.object({
  token: z.string().min(20).max(200).describe('from the link the administrator had sent'),
  newPassword: z.string().min(1).max(256),
});

export const sessionResponse = z.object({ me: meResponse.nullable().describe('null: nobody is signed in') });
