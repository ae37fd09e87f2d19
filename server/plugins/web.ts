import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const root = fileURLToPath(new URL('../../dist/web', import.meta.url));

/**
 * Serves the built React app (dist/web) from the same process. Unknown non-API paths fall back to
 * index.html so client-side routes survive a reload; /api/* keeps the JSON 404.
 */
async function webPlugin(app: FastifyInstance) {
  if (!existsSync(root)) {
    app.log.warn('dist/web is missing: run `npm run build` to serve the web app');
    return;
  }
  await app.register(fastifyStatic, { root, wildcard: false, index: 'index.html' });
  app.get('/*', { schema: { hide: true } }, (req, reply) => {
    if (req.url.startsWith('/api/')) return reply.callNotFound();
    return reply.sendFile('index.html');
  });
}

export default fp(webPlugin, { name: 'web' });
