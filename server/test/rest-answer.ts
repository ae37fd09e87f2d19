/**
 * An attribute's values in an answer of Abonent's RADIUS API, whichever form rlm_rest was sent
 * (`"name": value` or `"name": {"value": [...], "do_xlat": false}`; server/modules/network/radius-api.ts,
 * restWire), or undefined when the answer does not set it.
 */
export function restValues(body: Record<string, unknown>, name: string): unknown[] | undefined {
  const attr = body[name];
  if (attr === undefined) return undefined;
  if (typeof attr === 'object' && attr !== null && Array.isArray((attr as { value?: unknown }).value))
    return (attr as { value: unknown[] }).value;
  return [attr];
}

/** Text rlm_rest's expansion would change: an expansion (`%`) or an escape (`\`). */
const EXPANDS = /[%\\]/;

/**
 * What FreeRADIUS makes of an answer: per attribute its values, operator, and whether rlm_rest would
 * expand anything in them — so two answers that differ only in form (plain or long) compare equal, and
 * one whose text would now be expanded does not. Anything that is not an attribute is kept as it is.
 */
export function restMeaning(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(body)) {
    const long = attr as { value?: unknown[]; op?: string; do_xlat?: boolean } | null;
    const values = Array.isArray(long?.value)
      ? long.value
      : typeof attr === 'string' || typeof attr === 'number'
        ? [attr]
        : null;
    if (!values) {
      out[name] = attr;
      continue;
    }
    const expanded = Array.isArray(long?.value) ? long.do_xlat !== false : true;
    out[name] = {
      value: values,
      op: (Array.isArray(long?.value) && long.op) || ':=',
      expands: expanded && values.some((v) => typeof v === 'string' && EXPANDS.test(v)),
    };
  }
  return out;
}
