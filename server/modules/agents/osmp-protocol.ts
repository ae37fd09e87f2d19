import { kopecksToDecimal, parseRubles } from '../../../common/money.js';

/** OSMP/QIWI result codes this provider answers (see docs/agents.md for when each is used). */
export const OSMP = {
  ok: 0,
  temporary: 1,
  badAccountFormat: 4,
  accountNotFound: 5,
  paymentForbidden: 7,
  forbiddenByAgent: 8,
  accountInactive: 79,
  notCompleted: 90,
  sumTooSmall: 241,
  sumTooLarge: 242,
  cannotCheck: 243,
  other: 300,
} as const;
export type OsmpResult = (typeof OSMP)[keyof typeof OSMP];

export interface OsmpAnswer {
  /** null: an empty <osmp_txn_id/>; undefined: no element (getInfo has no transaction). */
  txnId: string | null | undefined;
  prvTxn?: number | null;
  sum?: number | null;
  result: OsmpResult;
  comment: string;
  /** getInfo: information for the payer, <fields><field1 name="…">…</field1>…</fields>. */
  fields?: { name: string; value: string }[];
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function renderOsmp(a: OsmpAnswer): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<response>'];
  if (a.txnId !== undefined) parts.push(`<osmp_txn_id>${esc(a.txnId ?? '')}</osmp_txn_id>`);
  if (a.prvTxn != null) parts.push(`<prv_txn>${a.prvTxn}</prv_txn>`);
  if (a.sum != null) parts.push(`<sum>${kopecksToDecimal(a.sum)}</sum>`);
  parts.push(`<result>${a.result}</result>`, `<comment>${esc(a.comment)}</comment>`);
  if (a.fields?.length) {
    parts.push('<fields>');
    a.fields.forEach((f, i) => parts.push(`<field${i + 1} name="${esc(f.name)}">${esc(f.value)}</field${i + 1}>`));
    parts.push('</fields>');
  }
  parts.push('</response>');
  return parts.join('');
}

/**
 * The protocol's sum: digits with an optional dot and one or two decimals, nothing else (no comma,
 * sign or spaces — an agent sending those has a bug we should not guess around). Null when malformed.
 */
export function parseOsmpSum(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d{1,10}(\.\d{1,2})?$/.test(raw)) return null;
  return parseRubles(raw);
}

/** txn_date YYYYMMDDHHMMSS → the agent's calendar day 'YYYY-MM-DD' (null when malformed). */
export function parseTxnDate(raw: string | undefined): { raw: string; day: string } | null {
  if (!raw || !/^\d{14}$/.test(raw)) return null;
  const day = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) return null;
  return { raw, day };
}

/** Personal account numbers are digits; anything else is answered 4 before touching the database. */
export const ACCOUNT_FORMAT = /^\d{4,20}$/;
export const TXN_ID_FORMAT = /^[0-9A-Za-z_-]{1,64}$/;
