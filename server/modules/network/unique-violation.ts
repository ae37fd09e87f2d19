/** The constraint a unique violation (23505) names, through Drizzle's wrapping; null for other errors. */
export function uniqueViolation(e: unknown): string | null {
  for (let err = e as { code?: string; constraint?: string; cause?: unknown } | undefined; err;) {
    if (err.code === '23505') return err.constraint ?? '';
    err = err.cause as typeof err;
  }
  return null;
}
