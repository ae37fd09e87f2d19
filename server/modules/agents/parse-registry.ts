import { AppError } from '../../../common/errors.js';
import { ACCOUNT_FORMAT, parseOsmpSum, parseTxnDate, TXN_ID_FORMAT } from './osmp-protocol.js';

export interface RegistryRow {
  txnId: string;
  account: string;
  amount: number;
  txnDate: string;
}

/**
 * An agent's daily registry: `txn_id;account;sum;txn_date` per line (a header line starting with
 * "txn_id" is skipped; blank lines ignored; sum like "100.00", txn_date YYYYMMDDHHMMSS). Any bad line
 * refuses the whole file with its line number, so a half-read registry never produces a report.
 */
export function parseRegistry(csv: string): RegistryRow[] {
  const rows: RegistryRow[] = [];
  const seen = new Set<string>();
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || (i === 0 && /^txn_id\s*;/i.test(line))) return;
    const f = line.split(';').map((x) => x.trim());
    const fail = (details: string) => {
      throw new AppError('bad_registry', { line: i + 1, details });
    };
    if (f.length !== 4) fail('4 fields separated by ";" expected');
    const [txnId, account, sum, date] = f as [string, string, string, string];
    if (!TXN_ID_FORMAT.test(txnId)) fail('txn_id');
    if (!ACCOUNT_FORMAT.test(account)) fail('account');
    const amount = parseOsmpSum(sum);
    if (amount === null || amount <= 0) fail('sum');
    if (!parseTxnDate(date)) fail('txn_date');
    if (seen.has(txnId)) fail(`duplicate txn_id ${txnId}`);
    seen.add(txnId);
    rows.push({ txnId, account, amount: amount!, txnDate: date });
  });
  return rows;
}
