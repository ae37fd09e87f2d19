export interface DebianNeed {
  pkg: string;
  path: string;
  why: string;
}
export const TEST_NEEDS: DebianNeed[];
export const BENCH_NEEDS: Record<'billing' | 'api' | 'payments' | 'ledger' | 'import' | 'radius' | 'web', DebianNeed[]>;
export function ensureDebianPackages(needs: DebianNeed[], what?: string): void;
