import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

import { AppError, type ErrorCode, errorMessage, ERRORS, type Lang } from '../../common/errors.js';
import { pickLang } from '../../common/i18n.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
  }
}

export function sendError(reply: FastifyReply, lang: Lang, code: ErrorCode, params: Record<string, unknown> = {}) {
  return reply.status(ERRORS[code].status).send({ error: { code, message: errorMessage(code, params, lang) } });
}

/**
 * Every error leaves as JSON `{error:{code,message}}`, the message in the caller's language.
 * Unknown errors are logged with their stack and reported as `internal` without details.
 */
async function errorsPlugin(app: FastifyInstance) {
  app.decorateRequest('lang', 'ru');
  app.addHook('onRequest', async (req: FastifyRequest) => {
    req.lang = pickLang({
      query: req.query,
      cookie: (req as { cookies?: Record<string, string | undefined> }).cookies?.lang,
      acceptLanguage: req.headers['accept-language'],
    });
  });

  app.setNotFoundHandler((req, reply) => sendError(reply, req.lang, 'route_not_found'));

  app.setErrorHandler((err, req, reply) => {
    const lang = req.lang ?? 'ru';
    if (err instanceof AppError) {
      if (err.code === 'rate_limited') reply.header('retry-after', String(Number(err.params.retryAfter ?? 60)));
      return sendError(reply, lang, err.code, err.params);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation
        .map((v) => `${(v.instancePath || '/').replace(/^\//, '') || err.validationContext}: ${v.message}`)
        .join('; ');
      return sendError(reply, lang, 'validation_failed', { details });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, cause: err.cause }, 'response does not match its schema');
      return sendError(reply, lang, 'internal');
    }
    const e = err as { statusCode?: number; code?: string; message?: string; cause?: { code?: string } };
    // PostgreSQL data exceptions (class 22: out of range, bad text representation) are bad input that
    // slipped past a schema: answer 400, never 500.
    const pgCode = e.cause?.code ?? e.code;
    if (typeof pgCode === 'string' && /^22[0-9A-Z]{3}$/.test(pgCode)) {
      return sendError(reply, lang, 'validation_failed', { details: 'value out of range' });
    }
    if (e.statusCode === 429) {
      const retryAfter = Number(reply.getHeader('retry-after') ?? 60);
      return sendError(reply, lang, 'rate_limited', { retryAfter });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own client errors: bad JSON, body too large, unsupported media type.
      return sendError(reply, lang, 'validation_failed', { details: e.message ?? 'bad request' });
    }
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, lang, 'internal');
  });
}

export default fp(errorsPlugin, { name: 'errors' });
