import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { ERRORS } from '../../common/errors.js';

/**
 * Schemas that appear in the OpenAPI document under their own name (`components.schemas`), so the
 * generated web types can name them (`PaymentStatus`, `paymentStatusValues`). Register a schema with
 * `component('Name', schema)` in a `<feature>.schemas.ts`; routes use it like any schema. The names live
 * in zod's global registry, next to the `.describe()` texts the document also shows.
 */
export function component<T extends z.ZodType>(id: string, schema: T): T {
  z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), id });
  return schema;
}

/** What every error response carries (server/plugins/errors.ts): a stable code and a localized message. */
export const errorResponse = component(
  'Error',
  z.object({
    error: z.object({
      code: z.enum(Object.keys(ERRORS) as [keyof typeof ERRORS, ...(keyof typeof ERRORS)[]]),
      message: z.string().describe("in the caller's language (?lang=, the lang cookie, Accept-Language)"),
    }),
  }),
);

const SWAGGER_UI_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

const zodTransform = createJsonSchemaTransform({});
const zodTransformObject = createJsonSchemaTransformObject({});

type TransformInput = Parameters<typeof zodTransform>[0];

/**
 * Documents the JSON error body for 4XX and 5XX on every route whose responses are JSON, unless the
 * route documents its own client errors (the OSMP protocol and the test acquirer's pages do).
 */
function transform(input: TransformInput) {
  const schema = input.schema as { response?: Record<string, unknown>; produces?: string[] } | undefined;
  const response = schema?.response;
  const ownErrors = response && Object.keys(response).some((code) => code.startsWith('4'));
  if (!schema || !response || ownErrors) return zodTransform(input);
  return zodTransform({
    ...input,
    schema: { ...schema, response: { ...response, '4XX': errorResponse, '5XX': errorResponse } },
  });
}

type OpenApiObject = ReturnType<typeof zodTransformObject>;

/**
 * fastify-type-provider-zod emits every component twice, `X` (responses) and `XInput` (requests).
 * Where both are the same JSON schema (enums), keep one name and point refs at it; drop an `XInput`
 * no request uses (the error body).
 */
function mergeSameInputComponents(doc: OpenApiObject): OpenApiObject {
  const schemas = (doc as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
  const same = new Set<string>();
  for (const name of Object.keys(schemas)) {
    const base = name.endsWith('Input') ? name.slice(0, -'Input'.length) : null;
    if (base && base in schemas && JSON.stringify(schemas[name]) === JSON.stringify(schemas[base])) same.add(name);
  }
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const ref = k === '$ref' && typeof x === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(x)?.[1] : undefined;
      out[k] = ref && same.has(ref) ? `#/components/schemas/${ref.slice(0, -'Input'.length)}` : rewrite(x);
    }
    return out;
  };
  const result = rewrite(doc) as { components: { schemas: Record<string, unknown> } };
  for (const name of same) delete result.components.schemas[name];
  const text = JSON.stringify(result);
  for (const name of Object.keys(result.components.schemas)) {
    if (name.endsWith('Input') && !text.includes(`"#/components/schemas/${name}"`)) {
      delete result.components.schemas[name];
    }
  }
  return result as OpenApiObject;
}

/**
 * OpenAPI document at /api/openapi.json, Swagger UI at /api/docs. Generated from the routes' zod schemas;
 * committed as docs/api/openapi.json, and the web client's types are generated from it (`npm run api:generate`).
 */
async function openapiPlugin(app: FastifyInstance, opts: { version: string }) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Abonent API',
        description:
          'Billing and subscriber self-service for internet providers. Errors are JSON {error:{code,message}}; ' +
          'messages follow ?lang=, the lang cookie or Accept-Language (ru default, en). Authenticate with ' +
          '`Authorization: Bearer <token>` (mobile apps) or the session cookie plus X-CSRF-Token (web). ' +
          'Amounts are integer kopecks unless a field says otherwise.',
        version: opts.version,
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } },
      },
    },
    transform,
    transformObject: (input) => mergeSameInputComponents(zodTransformObject(input)),
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
