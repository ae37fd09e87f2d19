import type { Db } from '../../db/client.js';

export interface DemoLogins {
  staff: { email: string; password: string; role: string }[];
  subscribers: { contract: string; account: string; password: string; note: string }[];
}

/** Demo data for a fresh install. (Being filled in: regions, tariffs, staff, subscribers with history.) */
export async function seedDemo(_db: Db, _opts: { log?: (s: string) => void } = {}): Promise<DemoLogins> {
  return { staff: [], subscribers: [] };
}

export function printDemoLogins(d: DemoLogins, log: (s: string) => void): void {
  if (d.staff.length === 0 && d.subscribers.length === 0) return;
  log('\nDemo logins:');
  for (const s of d.staff) log(`  staff ${s.role.padEnd(9)} ${s.email} / ${s.password}`);
  for (const s of d.subscribers) log(`  subscriber  contract ${s.contract} / ${s.password}   (account ${s.account}; ${s.note})`);
}
