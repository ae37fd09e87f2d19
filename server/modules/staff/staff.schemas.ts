import { z } from 'zod';

import { component } from '../../plugins/openapi.js';
import { staffRole } from '../shared.schemas.js';

/** The regions whose subscribers a staff user sees: every region, or these (docs/auth.md, "Regions"). */
export const staffRegions = component(
  'StaffRegions',
  z.union([z.literal('all'), z.array(z.number().int().positive().max(32_767)).max(500)]),
);

export const staffUser = z.object({
  id: z.number(),
  email: z.string(),
  fullName: z.string(),
  role: staffRole,
  regions: staffRegions.describe('administrators always see every region'),
  active: z.boolean(),
  totpEnabled: z.boolean(),
});
export const staffUsersResponse = z.object({ users: z.array(staffUser) });
export const createStaffBody = z.object({
  email: z.string().trim().email().max(200),
  fullName: z.string().trim().min(2).max(200),
  role: staffRole,
  password: z.string().min(1).max(256),
  /** Default: none for a new non-administrator (they see nothing until given regions). */
  regions: staffRegions.optional(),
});
export const staffUserParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const updateStaffBody = z.object({ role: staffRole.optional(), active: z.boolean().optional() });
export const staffRegionsBody = z.object({ regions: staffRegions });
