/**
 * Who may run which bulk operation (docs/bulk.md "Roles"): money is finance's; plans, messages and
 * service blocks are operators'. Administrators may run all. The back office shows only what the
 * role may run; the server refuses the rest (server/modules/bulk/check-action.ts).
 */
export const BULK_ROLES = {
  compensation: ['admin', 'finance'],
  tariff: ['admin', 'operator'],
  message: ['admin', 'operator'],
  block: ['admin', 'operator'],
  unblock: ['admin', 'operator'],
} as const satisfies Record<string, readonly string[]>;

export type BulkKindName = keyof typeof BULK_ROLES;

export function mayRunBulk(kind: BulkKindName, role: string): boolean {
  return (BULK_ROLES[kind] as readonly string[]).includes(role);
}
