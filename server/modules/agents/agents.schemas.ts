import { z } from 'zod';

export const osmpParams = z.object({ agentCode: z.string().min(1).max(64) });
export const osmpQuery = z
  .object({
    command: z.string().max(16).optional().describe('getInfo | check | pay'),
    txn_id: z.string().max(128).optional().describe("agent's transaction id"),
    account: z.string().max(200).optional().describe('personal account number'),
    sum: z.string().max(32).optional().describe('rubles with up to 2 decimals, e.g. "100.00"'),
    txn_date: z.string().max(32).optional().describe('YYYYMMDDHHMMSS (pay)'),
  })
  .passthrough();
export const osmpXml = z
  .string()
  .describe('XML <response> with osmp_txn_id, prv_txn, sum, result, comment (getInfo: result, comment, fields)');

export const createAgentBody = z.object({
  code: z.string().min(2).max(32).describe('lower-case latin, digits, _ or -; also the HTTP Basic login'),
  name: z.string().trim().min(1).max(200),
  allowedCidrs: z
    .array(z.string().max(64))
    .min(1)
    .max(100)
    .describe('IP addresses or CIDR blocks the agent calls from'),
  minAmount: z.number().int().optional().describe('kopecks, default 100'),
  maxAmount: z.number().int().optional().describe('kopecks, default 1 500 000'),
  fiscalizes: z
    .boolean()
    .optional()
    .describe('the agent issues the 54-ФЗ receipts of its payments, so Abonent issues none (default true)'),
});
const agentView = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  allowedCidrs: z.array(z.string()),
  minAmount: z.number(),
  maxAmount: z.number(),
  active: z.boolean(),
  fiscalizes: z.boolean().describe('the agent issues the receipts of its payments; Abonent issues none'),
});
export const createdAgent = agentView.extend({ secret: z.string().describe('HTTP Basic password; shown only once') });
export const agentList = z.object({ agents: z.array(agentView) });

export const agentCodeParams = z.object({ code: z.string().min(1).max(64) });
export const reconcileBody = z.object({
  day: z.string().describe('YYYY-MM-DD, the registry day (by txn_date)'),
  registry: z.string().max(10_000_000).describe('CSV: txn_id;account;sum;txn_date per line'),
});
export const reconciliationView = z.object({
  id: z.number(),
  agent: z.string(),
  day: z.string(),
  registry: z.object({ count: z.number(), sum: z.number() }),
  ours: z.object({ count: z.number(), sum: z.number() }),
  matched: z.boolean(),
  differences: z.array(
    z.object({
      kind: z.enum(['missing_here', 'missing_in_registry', 'sum_mismatch']),
      txnId: z.string(),
      account: z.string().nullable(),
      registrySum: z.number().nullable(),
      ourSum: z.number().nullable(),
      paymentId: z.number().nullable(),
    }),
  ),
  createdAt: z.string(),
});
export const reconciliationsQuery = z.object({ day: z.string().optional() });
export const reconciliationsList = z.object({ reconciliations: z.array(reconciliationView) });
export const updateAgentBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  allowedCidrs: z.array(z.string().max(64)).min(1).max(100).optional(),
  minAmount: z.number().int().optional(),
  maxAmount: z.number().int().optional(),
  active: z.boolean().optional(),
  fiscalizes: z.boolean().optional(),
  commissionBp: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .describe("the agent's commission in basis points of the amount (100 = 1 %), for the agents report"),
  rotateSecret: z.boolean().optional().describe('issue a new secret; the old one stops working'),
});
export const updatedAgent = agentView.extend({
  secret: z.string().nullable().describe('the new secret when rotated; shown only once'),
});
