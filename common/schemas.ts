import { z } from 'zod';

import { isValidDay } from './dates.js';

/**
 * A calendar day 'YYYY-MM-DD' that exists (not 2026-13-45, not 2026-02-30). Every day in a query or a
 * body uses it, so an impossible date is a 400 and never reaches a Date or the database.
 */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine(isValidDay, { message: 'YYYY-MM-DD: no such day' });
