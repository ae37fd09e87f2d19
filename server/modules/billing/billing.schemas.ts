import { z } from 'zod';

export const runBillingBody = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .describe(
      'Last day to charge (YYYY-MM-DD); every missed day up to it is charged in order. Default: today per region.',
    ),
  regionId: z.number().int().positive().optional(),
});

const dayResult = z.object({
  regionId: z.number(),
  day: z.string(),
  charged: z.number(),
  amount: z.number(),
  blocked: z.number(),
  skipped: z.boolean().describe('the day was already done: nothing was charged by this run'),
});

export const runBillingResponse = z.object({
  date: z.string(),
  charged: z.number().describe('subscriptions charged'),
  amount_kopecks: z.number(),
  blocked: z.number().describe('accounts newly blocked for debt'),
  days: z.array(dayResult),
});

export const billingDaysQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(60) });

export const billingDaysResponse = z.object({
  days: z.array(
    z.object({
      regionId: z.number(),
      day: z.string(),
      state: z.enum(['running', 'done']).describe('running: started and not finished (the next run finishes it first)'),
      charged: z.number(),
      amount: z.number(),
      blocked: z.number(),
      finishedAt: z.string().nullable(),
    }),
  ),
});

export const verifyResponse = z.object({
  accounts: z.number(),
  mismatches: z.array(
    z.object({ accountId: z.number(), accountNumber: z.string(), balance: z.number(), ledgerSum: z.number() }),
  ),
  orphanEntries: z.number().describe('ledger entries whose account does not exist (must be 0)'),
});
