import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const root = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** The placeholder web/vite.config.ts (`html.cspNonce`) writes where each response's nonce goes. */
const NONCE_PLACEHOLDER = 'ABONENT_CSP_NONCE';

/**
 * Serves the built React app (dist/web) from the same process. Unknown non-API paths fall back to
 * index.html so client-side routes survive a reload; /api/* keeps the JSON 404.
 *
 * index.html is never served as a file: each answer carries fresh CSP nonces (server/plugins/
 * security-headers.ts): the script nonce on <script> tags, the style nonce on the rest and in
 * <meta property="csp-nonce">, where the app reads it for the <style> elements Mantine writes.
 */
async function webPlugin(app: FastifyInstance) {
  if (!existsSync(root)) {
    app.log.warn('dist/web is missing: run `npm run build` to serve the web app');
    return;
  }
  const html = readFileSync(`${root}/index.html`, 'utf8');
  await app.register(fastifyStatic, { root, wildcard: false, index: false, globIgnore: ['index.html'] });

  const page = (_req: FastifyRequest, reply: FastifyReply) => {
    const nonce = reply.cspNonce;
    const body = html
      .replace(/(<script\b[^>]*\bnonce=")ABONENT_CSP_NONCE"/g, `$1${nonce.script}"`)
      .replaceAll(NONCE_PLACEHOLDER, nonce.style);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(body);
  };
  const nonces = { pagePolicy: { cspNonces: true } } as const;
  app.get('/', { schema: { hide: true }, ...nonces }, page);
  app.get('/index.html', { schema: { hide: true }, ...nonces }, page);
  app.get('/*', { schema: { hide: true }, ...nonces }, (req, reply) => {
    if (req.url.startsWith('/api/')) return reply.callNotFound();
    return page(req, reply);
  });
}

export default fp(webPlugin, { name: 'web' });
