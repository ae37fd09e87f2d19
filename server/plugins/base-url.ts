import type { FastifyRequest } from 'fastify';

import type { Config } from '../config.js';

const LOCAL_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/;

/** A Host header naming this machine (`localhost`, `127.x.x.x`, `[::1]`, with or without a port). */
export const isLocalHost = (host: string | undefined): boolean => LOCAL_HOST.test(host ?? '');

/**
 * The address links back to us are built on (a card payment's return page). With PUBLIC_URL set
 * (always, in production) it is PUBLIC_URL. Without it (development) it is the address this browser
 * used when that is this machine — http://127.0.0.1:3000 or http://localhost:3000 — so the payer comes
 * back to the host their session cookie belongs to and stays signed in. Any other Host header is not
 * trusted for links.
 */
export function baseUrlOf(req: FastifyRequest, config: Pick<Config, 'PUBLIC_URL' | 'publicUrl'>): string {
  if (config.PUBLIC_URL) return config.publicUrl;
  const host = req.headers.host ?? '';
  return isLocalHost(host) ? `${req.protocol}://${host}` : config.publicUrl;
}
