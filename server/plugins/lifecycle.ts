import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

import type { Lifecycle } from '../lifecycle.js';

/**
 * While the process drains (SIGTERM), every request answered carries `Connection: close`: the client's
 * next request opens a new connection, which the load balancer sends to a server that is still ready.
 * It is set when the request arrives (a request already in flight then is answered as it began; its
 * client's next request arrives during the drain and is told). No hook runs on sending: with none
 * there, Fastify skips that step for every answer (bench:api).
 * When the app closes (after the last in-flight request), the shutdown hooks run, before main.ts
 * closes the database.
 */
async function lifecyclePlugin(app: FastifyInstance, opts: { lifecycle: Lifecycle; timeoutMs: number }) {
  app.addHook('onRequest', (_req, reply, done) => {
    if (opts.lifecycle.draining) reply.header('connection', 'close');
    done();
  });
  app.addHook('preClose', async () => {
    // Closing without a SIGTERM first (tests, the CLI): stop being ready all the same.
    opts.lifecycle.beginDrain(opts.timeoutMs);
  });
  app.addHook('onClose', async () => opts.lifecycle.runHooks());
}

export default fp(lifecyclePlugin, { name: 'lifecycle' });
