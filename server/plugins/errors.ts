import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { AppError, type ErrorCode, errorMessage, ERRORS, type Lang } from '../../common/errors.js';
import { pickLang } from '../../common/i18n.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
  }
}

/**
 * Sends `{error:{code,message}}` with the code's status. The body bypasses the route's response
 * schemas (a route that answers HTML or declares its own 4xx shapes still sends errors as JSON).
 */
export function sendError(reply: FastifyReply, lang: Lang, code: ErrorCode, params: Record<string, unknown> = {}) {
  return reply
    .status(ERRORS[code].status)
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send({ error: { code, message: errorMessage(code, params, lang) } });
}

/** What Fastify itself refuses (before any route runs), in words for the caller. */
const FASTIFY_ERRORS: Record<string, { code: ErrorCode; ru: string; en: string }> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'validation_failed',
    ru: 'пустое тело запроса при Content-Type: application/json',
    en: 'empty body with Content-Type: application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'validation_failed',
    ru: 'тело запроса — не JSON',
    en: 'the body is not JSON',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'validation_failed',
    ru: 'длина тела не совпадает с Content-Length',
    en: 'the body length does not match Content-Length',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', ru: '', en: '' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', ru: '', en: '' },
  FST_ERR_BAD_URL: {
    code: 'validation_failed',
    ru: 'адрес содержит неверную кодировку',
    en: 'the address has an invalid encoding',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'validation_failed',
    ru: 'слишком длинный параметр в адресе',
    en: 'a parameter in the address is too long',
  },
};

function fastifyClientError(e: FastifyError | SyntaxError, lang: Lang): { code: ErrorCode; details: string } {
  const known = 'code' in e && typeof e.code === 'string' ? FASTIFY_ERRORS[e.code] : undefined;
  if (known) return { code: known.code, details: known[lang] };
  // JSON.parse failures and secure-json-parse's refusals (__proto__, constructor.prototype).
  if (e instanceof SyntaxError || /JSON|prototype/i.test(e.message))
    return { code: 'validation_failed', details: FASTIFY_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY![lang] };
  return { code: 'validation_failed', details: lang === 'ru' ? 'неверный запрос' : 'bad request' };
}

const zodLocales = { ru: z.locales.ru().localeError, en: z.locales.en().localeError };

/**
 * One line per problem, `field: message`, in the caller's language. zod's own messages are rebuilt from
 * the issue in that language; a message a schema wrote itself (a format hint) is kept as written.
 */
function validationDetails(
  validation: { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }[],
  context: string | undefined,
  lang: Lang,
): string {
  return validation
    .slice(0, 5)
    .map((v) => {
      const field = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.') || context || 'body';
      const issue = { ...v.params, code: v.keyword, path: [], message: v.message } as unknown as Parameters<
        (typeof zodLocales)['en']
      >[0];
      const asText = (m: ReturnType<(typeof zodLocales)['en']>) => (typeof m === 'string' ? m : m?.message);
      const english = asText(zodLocales.en(issue));
      const message = english && english === v.message ? (asText(zodLocales[lang](issue)) ?? v.message) : v.message;
      return `${field}: ${message ?? ''}`;
    })
    .join('; ');
}

/**
 * The caller's language, from the request as sent: `?lang=`, the `lang` cookie, Accept-Language. Raw, so
 * it holds before any hook ran (Fastify's framework errors) and after a route's query schema left `lang`
 * out of the parsed query.
 */
function langOf(req: FastifyRequest): Lang {
  const q = req.url.indexOf('?');
  const query = q < 0 ? undefined : { lang: new URLSearchParams(req.url.slice(q + 1)).get('lang') };
  const cookie = /(?:^|;\s*)lang=(ru|en)\b/.exec(req.headers.cookie ?? '')?.[1];
  return pickLang({ query, cookie, acceptLanguage: req.headers['accept-language'] });
}

/**
 * For Fastify's constructor: requests refused before routing (a broken %-encoding, an over-long
 * path parameter) get the same `{error}` answer as everything else instead of Fastify's own shape.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (err, req, reply) => {
  const lang = langOf(req);
  const { code, details } = fastifyClientError(err, lang);
  void sendError(reply, lang, code, { details });
};

/**
 * Every error leaves as JSON `{error:{code,message}}`, the message in the caller's language.
 * Unknown errors are logged with their stack and reported as `internal` without details.
 */
async function errorsPlugin(app: FastifyInstance) {
  // The caller's language is worked out when asked for (an error, a PDF, a letter), not on every
  // request: most answers carry no text (bench:api, docs/scale.md).
  app.decorateRequest('lang', {
    getter(this: FastifyRequest): Lang {
      return langOf(this);
    },
  });

  app.setNotFoundHandler((req, reply) => sendError(reply, req.lang, 'route_not_found'));

  app.setErrorHandler((err, req, reply) => {
    const lang = req.lang ?? 'ru';
    if (err instanceof AppError) {
      if (err.code === 'rate_limited') reply.header('retry-after', String(Number(err.params.retryAfter ?? 60)));
      return sendError(reply, lang, err.code, err.params);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      return sendError(reply, lang, 'validation_failed', {
        details: validationDetails(err.validation, err.validationContext, lang),
      });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, cause: err.cause }, 'response does not match its schema');
      return sendError(reply, lang, 'internal');
    }
    const e = err as FastifyError & { cause?: { code?: string } };
    // PostgreSQL data exceptions (class 22: out of range, bad text representation) are bad input that
    // slipped past a schema: answer 400, never 500.
    const pgCode = e.cause?.code ?? e.code;
    if (typeof pgCode === 'string' && /^22[0-9A-Z]{3}$/.test(pgCode)) {
      return sendError(reply, lang, 'validation_failed', {
        details: lang === 'ru' ? 'значение вне допустимого диапазона' : 'value out of range',
      });
    }
    if (e.statusCode === 429) {
      const retryAfter = Number(reply.getHeader('retry-after') ?? 60);
      return sendError(reply, lang, 'rate_limited', { retryAfter });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own client errors: bad JSON, body too large, unsupported media type.
      const { code, details } = fastifyClientError(e, lang);
      return sendError(reply, lang, code, { details });
    }
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, lang, 'internal');
  });
}

export default fp(errorsPlugin, { name: 'errors' });
