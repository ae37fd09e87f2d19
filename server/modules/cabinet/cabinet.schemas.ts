import { z } from 'zod';

import { accountStatus, day, ledgerKind, serviceKind } from '../shared.schemas.js';

export const overviewResponse = z.object({
  account: z.string(),
  contract: z.string(),
  fullName: z.string(),
  region: z.object({ nameRu: z.string(), nameEn: z.string(), supportPhone: z.string(), supportEmail: z.string() }),
  status: accountStatus,
  balance: z.number(),
  creditLimit: z.number(),
  promisedCredit: z.number(),
  tariff: z
    .object({
      nameRu: z.string(),
      nameEn: z.string(),
      monthlyFee: z.number(),
      speedDownKbps: z.number(),
      speedUpKbps: z.number(),
    })
    .nullable(),
  pendingTariff: z.object({ nameRu: z.string(), nameEn: z.string(), from: z.string() }).nullable(),
  services: z.array(z.object({ kind: serviceKind, nameRu: z.string(), nameEn: z.string(), monthlyFee: z.number() })),
  monthlyFee: z.number(),
  dailyFee: z.number().describe("tomorrow's charge, kopecks"),
  daysLeft: z.number().nullable().describe('days after today the money covers; null when not charged'),
  lowBalance: z.boolean(),
  nextChargeOn: z.string(),
  amountToRestore: z.number().describe('blocked: the least payment that restores service'),
  recommendedPayment: z.number(),
});

export const statementQuery = z.object({ from: day.optional(), to: day.optional() });

export const statementCsvResponse = z.string().describe('CSV, UTF-8, separated by ;');

export const statementResponse = z.object({
  from: z.string(),
  to: z.string(),
  openingBalance: z.number(),
  closingBalance: z.number(),
  totals: z.array(z.object({ kind: ledgerKind, amount: z.number() })),
  entries: z.array(
    z.object({
      id: z.number(),
      date: z.string(),
      kind: ledgerKind,
      amount: z.number(),
      comment: z.string().nullable(),
      balanceAfter: z.number(),
    }),
  ),
  series: z.array(z.object({ date: z.string(), balance: z.number() })),
});
