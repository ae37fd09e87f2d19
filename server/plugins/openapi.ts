import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

const SWAGGER_UI_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/** OpenAPI document at /api/openapi.json, Swagger UI at /api/docs. Generated from the routes' zod schemas. */
async function openapiPlugin(app: FastifyInstance, opts: { version: string }) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Abonent API',
        description:
          'Billing and subscriber self-service for internet providers. Errors are JSON {error:{code,message}}; ' +
          'messages follow ?lang=, the lang cookie or Accept-Language (ru default, en). Authenticate with ' +
          '`Authorization: Bearer <token>` (mobile apps) or the session cookie plus X-CSRF-Token (web).',
        version: opts.version,
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  // Swagger UI's script adds one <style> element at run time; the docs pages allow exactly that style by
  // its hash (the policy is otherwise the site's, server/plugins/security-headers.ts). A Swagger UI
  // upgrade that changes it shows as a CSP violation in e2e/security-headers.e2e.test.ts.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    transformStaticCSP: (header) => header.replace("style-src 'self'", `style-src 'self' ${SWAGGER_UI_STYLE_HASH}`),
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(openapiPlugin, { name: 'openapi' });
