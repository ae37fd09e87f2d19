import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

import type { Lifecycle } from '../lifecycle.js';

/**
 * While the process drains (SIGTERM), every response carries `Connection: close`: the client's next
 * request opens a new connection, which the load balancer sends to a server that is still ready.
 * When the app closes (after the last in-flight request), the shutdown hooks run, before main.ts
 * closes the database.
 */
async function lifecyclePlugin(app: FastifyInstance, opts: { lifecycle: Lifecycle; timeoutMs: number }) {
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (opts.lifecycle.draining) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', async () => {
    // Closing without a SIGTERM first (tests, the CLI): stop being ready all the same.
    opts.lifecycle.beginDrain(opts.timeoutMs);
  });
  app.addHook('onClose', async () => opts.lifecycle.runHooks());
}

export default fp(lifecyclePlugin, { name: 'lifecycle' });
