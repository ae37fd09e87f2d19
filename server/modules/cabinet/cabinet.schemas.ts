import { z } from 'zod';

import { component } from '../../plugins/openapi.js';
import { accountStatus, day, ledgerKind, serviceKind } from '../shared.schemas.js';

const suspensionShown = component('OverviewSuspensionStatus', z.enum(['pending', 'approved', 'active']));

export const overviewResponse = z.object({
  account: z.string(),
  contract: z.string(),
  fullName: z.string(),
  region: z.object({ nameRu: z.string(), nameEn: z.string(), supportPhone: z.string(), supportEmail: z.string() }),
  today: day.describe("the region's calendar day now: billing days, statements and sessions are counted in it"),
  status: accountStatus,
  balance: z.number(),
  creditLimit: z.number(),
  promisedCredit: z.number(),
  promised: z
    .object({ amount: z.number(), dueOn: z.string() })
    .nullable()
    .describe('an active promised payment: to be repaid from the next payments by its due day'),
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
  discount: z
    .object({ percent: z.number(), from: z.string(), until: z.string() })
    .nullable()
    .describe("a promotion discount on the plan's fee"),
  services: z.array(
    z.object({
      kind: serviceKind,
      nameRu: z.string(),
      nameEn: z.string(),
      monthlyFee: z.number(),
      address: z.string().nullable().describe('static IP'),
      from: z.string(),
      until: z.string().nullable(),
    }),
  ),
  suspension: z
    .object({
      id: z.number(),
      status: suspensionShown,
      startsOn: z.string(),
      endsOn: z.string(),
    })
    .nullable()
    .describe('a voluntary suspension in effect, or the next one coming'),
  monthlyFee: z.number(),
  dailyFee: z.number().describe("tomorrow's fees, kopecks (what an active account is charged)"),
  daysLeft: z
    .number()
    .nullable()
    .describe('days after today the own money lasts (a promised payment counts as debt); null when not charged'),
  lowBalance: z.boolean(),
  topUp: z.boolean().describe('suggest a top-up: low balance, debt, blocked, or a promised payment to repay'),
  nextCharge: z
    .object({ on: z.string(), amount: z.number() })
    .nullable()
    .describe('the next charge; null when nothing will be charged (blocked, suspended free days)'),
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
      comment: z.string().nullable().describe('as written (system comments are short codes)'),
      description: z.string().nullable().describe("the entry in words of the caller's language"),
      balanceAfter: z.number(),
    }),
  ),
  series: z.array(z.object({ date: z.string(), balance: z.number() })),
  history: z
    .array(
      z.object({
        date: z.string(),
        amount: z.number().describe('kopecks as the previous billing recorded them (a correction may be negative)'),
        kind: z.enum(['payment', 'correction']),
        method: z.string().nullable(),
        comment: z.string().nullable(),
      }),
    )
    .describe(
      'payments made in the previous billing before the move (docs/decisions/0016): for reference, outside the running balance and the totals',
    ),
});
