import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Without TRUST_PROXY every client address is the TCP peer. A request that nonetheless carries
 * X-Forwarded-For (or Forwarded) came through a proxy nobody declared: every client then looks like
 * the proxy to the rate limits and allow-lists (one shared limit for everyone, or an allow-list that
 * admits the world). Said once per process, at warn level, with the peer to put in TRUST_PROXY.
 */
async function proxyCheckPlugin(app: FastifyInstance, opts: { trustProxy: false | string[] }) {
  if (opts.trustProxy) return;
  let told = false;
  app.addHook('onRequest', (req, _reply, done) => {
    if (told || (req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined)) return done();
    told = true;
    req.log.warn(
      { peer: req.socket.remoteAddress },
      'misconfiguration: a request came with X-Forwarded-For but TRUST_PROXY is unset, so every client behind ' +
        'this proxy shares its address for rate limits and allow-lists; set TRUST_PROXY to the proxy’s address ' +
        '(said once)',
    );
    done();
  });
}

export default fp(proxyCheckPlugin, { name: 'proxy-check' });
