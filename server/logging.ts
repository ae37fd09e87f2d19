import type { FastifyServerOptions } from 'fastify';

/**
 * What the logs may carry (issue 26, docs/security.md "Logs"): never a query's parameters, a token, a
 * code, a password or a contact. Three layers:
 * - `redact`: the headers and body fields that hold secrets are replaced wherever they are logged;
 * - `safeError` (the `err`/`error`/`cause` serializer, and the jobs' `last_error`): an error is written
 *   as its type, its scrubbed message, the code-location lines of its stack and the database fields
 *   that name things (code, constraint, table, column) — never a database error's parameters, detail
 *   or query values, which carry phones, e-mails and code hashes;
 * - `scrubText`: e-mails, long digit runs (phones, account and card numbers), bearer tokens, URL query
 *   strings, `password=`/`token:`-like pairs and token-like strings in any message are masked.
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'initialPassword',
  'passwordHash',
  'token',
  'secret',
  'totp',
  'passport',
  'authorization',
  'cookie',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-signature"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  // A body's `code` is a recovery, TOTP or confirmation code (an error's `code` is kept: 23505, ECONNRESET).
  'body.code',
  '*.body.code',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
];

const SENSITIVE_PAIR = new RegExp(
  `\\b(${[...SECRET_KEYS, 'code', 'passwd', 'otp', 'pin', 'cvc', 'cvv', 'api[_-]?key', 'secret[_-]?key'].join('|')})` +
    `(["']?\\s*[=:]\\s*)("[^"]*"|'[^']*'|[^\\s,;&)}\\]]+)`,
  'gi',
);

/** Masks what identifies a person or opens a door in free text. */
export function scrubText(s: string): string {
  return s
    .replace(/(\bparams:)[^\n]*/gi, '$1 [redacted]')
    .replace(/\b(Bearer|Basic)\s+[^\s,;"']+/gi, '$1 [redacted]')
    .replace(/(\bhttps?:\/\/[^\s?#"']*)\?[^\s#"']*/gi, '$1?[redacted]')
    .replace(SENSITIVE_PAIR, '$1$2[redacted]')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]')
    .replace(/\+?\d[\d ()-]{8,}\d/g, (m) => (m.replace(/\D/g, '').length >= 10 ? '[number]' : m))
    .replace(/\b[A-Za-z0-9_-]{24,}\b/g, (m) => (/\d/.test(m) && /[A-Za-z]/.test(m) ? '[token]' : m));
}

/** A database error's fields that name things, never values (pg's DatabaseError and PGlite's). */
const DB_NAME_FIELDS = ['code', 'severity', 'routine', 'constraint', 'table', 'column', 'schema', 'dataType'] as const;

function isDatabaseError(e: object): e is Record<(typeof DB_NAME_FIELDS)[number], unknown> & Error {
  const x = e as { code?: unknown; severity?: unknown };
  return typeof x.code === 'string' && /^[0-9A-Z]{5}$/.test(x.code) && typeof x.severity === 'string';
}

/** A SQL text without its literals: `'…'` and numbers written into it become `?`. */
function sqlShape(q: string): string {
  return scrubText(q.replace(/'(?:[^']|'')*'/g, "'?'").replace(/\b\d{4,}\b/g, '?')).slice(0, 500);
}

/** An error's message as the logs may keep it. */
export function safeErrorMessage(e: unknown): string {
  if (!(e instanceof Error)) return scrubText(typeof e === 'string' ? e : String(e));
  const query = (e as { query?: unknown }).query;
  if (e.constructor.name === 'DrizzleQueryError' || e.message.startsWith('Failed query:')) {
    // "Failed query: <sql>\nparams: <values>": the statement's shape, never its values.
    return `Failed query: ${typeof query === 'string' ? sqlShape(query) : '[statement]'}`;
  }
  if (isDatabaseError(e)) {
    // Quoted parts of PostgreSQL's messages are values (`invalid input syntax for type integer: "7911…"`)
    // unless they name what the error's own fields name (a constraint, a table, a column, a type).
    const names = new Set(DB_NAME_FIELDS.map((k) => e[k]).filter((v): v is string => typeof v === 'string'));
    return scrubText(e.message.replace(/"([^"]*)"/g, (m, inner: string) => (names.has(inner) ? m : '"?"')));
  }
  return scrubText(e.message || e.name);
}

/** The pino serializer of `err`, `error` and `cause` (depth-limited through causes). */
export function safeError(e: unknown, depth = 0): unknown {
  if (typeof e === 'string') return scrubText(e);
  if (e === null || typeof e !== 'object') return e;
  if (!(e instanceof Error)) return { type: 'non-error', message: scrubText(JSON.stringify(e) ?? '') };
  const named = e.constructor.name && e.constructor.name !== 'Error' ? e.constructor.name : e.name;
  // PGlite's error class has a minified name; pg's is DatabaseError: one name for both.
  const type = isDatabaseError(e) ? 'DatabaseError' : named;
  const out: Record<string, unknown> = { type, message: safeErrorMessage(e) };
  const stackLines = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  if (stackLines.length > 0) out.stack = stackLines.map(scrubText).join('\n');
  if (isDatabaseError(e))
    for (const k of DB_NAME_FIELDS)
      if (typeof e[k] === 'string') out[k] = e[k];
      else {
        const x = e as { code?: unknown; statusCode?: unknown };
        if (typeof x.code === 'string') out.code = x.code;
        if (typeof x.statusCode === 'number') out.statusCode = x.statusCode;
      }
  if (e.cause !== undefined && depth < 3) out.cause = safeError(e.cause, depth + 1);
  return out;
}

/** A request in a log line: method and path, never the query string (recovery links carry tokens). */
function safeRequest(req: { method?: string; url?: string; ip?: string }) {
  return { method: req.method, path: (req.url ?? '').split('?')[0] };
}

type SerializedError = { [key: string]: unknown; type: string; message: string; stack: string };
const errSerializer = (e: unknown) => safeError(e) as SerializedError;

/** Redaction and serializers for every logger of the app (buildApp adds them to any it is given). */
export const SAFE_LOGGING = {
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  serializers: { err: errSerializer, error: errSerializer, cause: errSerializer, req: safeRequest },
} satisfies Partial<Exclude<FastifyServerOptions['logger'], boolean | undefined>>;
