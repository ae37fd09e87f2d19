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
