/**
 * Requests generated from the OpenAPI document: for every operation a valid-looking baseline (so the
 * handler, not only the validator, is reached), then the same request with one part broken at a time —
 * each path and query parameter, each body property (and one level below), the body as a whole, its
 * content type and its encoding. Nothing here knows a route: a route added tomorrow is fuzzed tomorrow.
 *
 * Values are sampled, not enumerated: one list of malformed values per kind (types, sizes, encodings,
 * nesting, dates, numbers at and beyond the limits), each applied once per part.
 */

export type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  nullable?: boolean;
};

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** OpenAPI path with {param} placeholders. */
  path: string;
  parameters: Parameter[];
  body?: { contentType: string; schema: JsonSchema; required: boolean };
  /**
   * The operation answers in another format (an HTML page for a browser, an agent protocol's XML), so
   * its errors may come in that format too.
   */
  foreign: boolean;
  secured: boolean;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What was broken, for the failure message. */
  what: string;
}

interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
        responses?: Record<string, { content?: Record<string, unknown> }>;
        security?: unknown[];
      }
    >
  >;
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      const [contentType, media] = Object.entries(content)[0] ?? [];
      const produces = Object.values(op.responses ?? {}).flatMap((r) => Object.keys(r.content ?? {}));
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: contentType
          ? { contentType, schema: media?.schema ?? {}, required: !!op.requestBody?.required }
          : undefined,
        foreign: produces.some((t) => !t.includes('json')),
        secured: (op.security ?? []).length > 0,
      });
    }
  }
  return ops;
}

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type[0] : s.type);

/** Strings tried against a `pattern` until one matches (dates, codes, phones, account numbers…). */
const PATTERN_CANDIDATES = [
  '2026-01-15',
  '123456',
  '123456789',
  '79110000001',
  'abc-12',
  'ab',
  'RU',
  '12:30',
  '2026-01',
  '7707083893',
  'a',
];

function sampleString(s: JsonSchema): string {
  if (s.format === 'email') return 'fuzz@example.ru';
  if (s.format === 'date-time') return '2026-01-15T10:00:00.000Z';
  if (s.format === 'date') return '2026-01-15';
  if (s.format === 'uri') return 'https://example.ru/x';
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const hit = PATTERN_CANDIDATES.find((c) => re.test(c));
    if (hit) return hit;
  }
  const min = s.minLength ?? 1;
  const max = s.maxLength ?? 40;
  return 'fuzz1'.padEnd(Math.min(Math.max(min, 5), max), 'x').slice(0, Math.max(min, Math.min(5, max)));
}

function sampleNumber(s: JsonSchema, integer: boolean): number {
  let lo = typeof s.minimum === 'number' ? s.minimum : 1;
  if (s.exclusiveMinimum === true || typeof s.exclusiveMinimum === 'number') {
    lo = (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : lo) + 1;
  }
  const hi = typeof s.maximum === 'number' ? s.maximum : Number.MAX_SAFE_INTEGER;
  const v = Math.min(Math.max(lo, 1), hi);
  return integer ? Math.ceil(v) : v;
}

/** A value the schema accepts (first branch of a union, every property of an object). */
export function sample(s: JsonSchema | undefined, depth = 0): unknown {
  if (!s || depth > 6) return 'fuzz';
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum.find((v) => v !== null) ?? s.enum[0];
  if (s.anyOf?.length) return sample(s.anyOf.find((b) => typeOf(b) !== 'null') ?? s.anyOf[0], depth + 1);
  if (s.oneOf?.length) return sample(s.oneOf[0], depth + 1);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((b) => sample(b, depth + 1) as object));
  switch (typeOf(s)) {
    case 'string':
      return sampleString(s);
    case 'integer':
      return sampleNumber(s, true);
    case 'number':
      return sampleNumber(s, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(s.items, depth + 1));
    case 'object':
    default:
      if (!s.properties) return typeOf(s) === 'object' ? {} : 'fuzz';
      return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, sample(v, depth + 1)]));
  }
}

/** Malformed values for a JSON body field: wrong types, limits, encodings, nesting. */
export const BAD_JSON_VALUES: unknown[] = [
  null,
  true,
  -1,
  1.5,
  1e308,
  2 ** 53 + 2,
  '',
  'x'.repeat(20_000),
  '\u0000😀',
  '\uD800',
  '=HYPERLINK("http://evil")',
  '2026-13-45',
  '1e309',
  [[]],
  { $gt: '' },
];

/** The same, smaller, for fields one level down. */
const BAD_NESTED_VALUES: unknown[] = [null, '', -1, 'x'.repeat(5_000), {}];

/** Malformed path and query values, already as they appear in a URL. */
export const BAD_URL_VALUES: string[] = [
  '',
  '-1',
  '1.5',
  '1e309',
  '99999999999999999999999',
  'de',
  '%00',
  '%E0%A4%A',
  encodeURIComponent("😀' or 1=1 --"),
  '..%2F..%2Fetc%2Fpasswd',
  'x'.repeat(4_000),
  '2026-13-45',
  '1,2',
];

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** encodeURIComponent that also writes a lone surrogate (as the bytes a careless client would send). */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s
      .split('')
      .map((c) => (/[\uD800-\uDFFF]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c)))
      .join('');
  }
}

function encodeQuery(q: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    parts.push(`${enc(k)}=${enc(typeof v === 'string' ? v : JSON.stringify(v))}`);
  }
  return parts.join('&');
}

function encodeForm(v: unknown): string {
  if (!v || typeof v !== 'object') return '';
  return encodeQuery(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'object' ? '' : x])));
}

export interface FuzzOptions {
  /** Known good values of path parameters, by operation path and then by name (ids of fixture rows). */
  pathValues: (op: Operation, name: string) => string | undefined;
  /** Only the baseline and a few whole-request mutations (for callers the guard refuses anyway). */
  light?: boolean;
}

/** Every request tried for one operation. */
export function requestsFor(op: Operation, o: FuzzOptions): FuzzRequest[] {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const goodPath: Record<string, string> = {};
  for (const p of pathParams)
    goodPath[p.name] = o.pathValues(op, p.name) ?? encodeURIComponent(String(sample(p.schema)));
  const goodQuery: Record<string, unknown> = {};
  for (const p of queryParams) if (p.required) goodQuery[p.name] = sample(p.schema);
  const fullQuery: Record<string, unknown> = {};
  for (const p of queryParams) fullQuery[p.name] = sample(p.schema);
  const goodBody = op.body ? sample(op.body.schema) : undefined;
  const isForm = op.body?.contentType === 'application/x-www-form-urlencoded';

  const url = (path: Record<string, string>, query: Record<string, unknown> | string) => {
    const p = op.path.replace(/\{(\w+)\}/g, (_, k: string) => path[k] ?? 'x');
    const q = typeof query === 'string' ? query : encodeQuery(query);
    return q ? `${p}?${q}` : p;
  };
  const bodyOf = (v: unknown) => (isForm ? encodeForm(v) : JSON.stringify(v));
  const contentType: Record<string, string> = op.body ? { 'content-type': op.body.contentType } : {};
  const req = (what: string, r: Partial<FuzzRequest> = {}): FuzzRequest => ({
    method: op.method,
    url: r.url ?? url(goodPath, goodQuery),
    headers: { ...contentType, ...r.headers },
    payload: 'payload' in r ? r.payload : op.body ? bodyOf(goodBody) : undefined,
    what,
  });

  const out: FuzzRequest[] = [
    req('baseline'),
    req('baseline, every query parameter', { url: url(goodPath, fullQuery) }),
  ];
  if (op.body) {
    out.push(req('no body', { payload: undefined, headers: {} }));
    out.push(req('body: not JSON', { payload: '{"a":', headers: { 'content-type': 'application/json' } }));
    out.push(req('body: text/plain', { headers: { 'content-type': 'text/plain' } }));
    out.push(req('body: XML', { payload: '<a>1</a>', headers: { 'content-type': 'application/xml' } }));
  } else if (op.method !== 'GET' && op.method !== 'DELETE') {
    out.push(req('unexpected JSON body', { payload: '{"a":1}', headers: { 'content-type': 'application/json' } }));
  }
  if (o.light) return out;

  for (const p of pathParams) {
    for (const v of BAD_URL_VALUES)
      out.push(req(`path ${p.name}=${v.slice(0, 40)}`, { url: url({ ...goodPath, [p.name]: v }, goodQuery) }));
  }
  for (const p of queryParams) {
    for (const v of BAD_URL_VALUES) {
      const q = encodeQuery({ ...goodQuery, [p.name]: undefined });
      out.push(req(`query ${p.name}=${v.slice(0, 40)}`, { url: url(goodPath, `${q ? `${q}&` : ''}${p.name}=${v}`) }));
    }
    out.push(req(`query ${p.name} twice`, { url: url(goodPath, `${encodeQuery(goodQuery)}&${p.name}=1&${p.name}=2`) }));
    out.push(req(`query ${p.name}[a]`, { url: url(goodPath, `${encodeQuery(goodQuery)}&${p.name}[a]=1`) }));
  }
  if (!op.body) return out;

  const wholeBodies: [string, string, string?][] = [
    ['null', 'null'],
    ['array', '[]'],
    ['string', '"fuzz"'],
    ['number', '1'],
    ['empty object', '{}'],
    ['empty string', ''],
    ['BOM', `\uFEFF${JSON.stringify(goodBody)}`],
    ['deep nesting', JSON.stringify(nested(3_000))],
    ['__proto__', '{"__proto__":{"admin":true}}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"admin":true}}}'],
    ['1.5 MB', JSON.stringify({ ...(goodBody as object), padding: 'x'.repeat(1_500_000) })],
    ['3 MB', JSON.stringify({ padding: 'x'.repeat(3_000_000) })],
    ['charset latin1', JSON.stringify(goodBody), 'application/json; charset=latin1'],
    ['form-encoded', encodeForm(goodBody), 'application/x-www-form-urlencoded'],
    [
      'multipart',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
      'multipart/form-data; boundary=x',
    ],
  ];
  for (const [what, payload, type] of wholeBodies)
    out.push(req(`body ${what}`, { payload, headers: { 'content-type': type ?? 'application/json' } }));
  out.push(
    req('body not UTF-8', {
      payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      headers: { 'content-type': 'application/json' },
    }),
  );

  if (goodBody && typeof goodBody === 'object' && !Array.isArray(goodBody)) {
    const good = goodBody as Record<string, unknown>;
    for (const [k, v] of Object.entries(good)) {
      const { [k]: _omit, ...without } = good;
      out.push(req(`body without ${k}`, { payload: bodyOf(without) }));
      for (const bad of BAD_JSON_VALUES) {
        if (isForm && typeof bad === 'object' && bad !== null) continue;
        out.push(req(`body ${k}=${JSON.stringify(bad)?.slice(0, 40)}`, { payload: bodyOf({ ...good, [k]: bad }) }));
      }
      if (v && typeof v === 'object') {
        const inner = (Array.isArray(v) ? v[0] : v) as Record<string, unknown> | undefined;
        if (inner && typeof inner === 'object') {
          for (const ik of Object.keys(inner)) {
            for (const bad of BAD_NESTED_VALUES) {
              const broken = { ...inner, [ik]: bad };
              out.push(
                req(`body ${k}.${ik}=${JSON.stringify(bad)?.slice(0, 40)}`, {
                  payload: bodyOf({ ...good, [k]: Array.isArray(v) ? [broken] : broken }),
                }),
              );
            }
          }
        }
      }
    }
  }
  return out;
}
