import type { RadiusApi } from '../modules/network/radius-api.js';

/** What a test reads of an rlm_rest API answer. */
export interface RadiusReply {
  statusCode: number;
  body: string;
  headers: Headers;
  // Tests read the attributes they expect; the shape is checked by their assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json<T = any>(): T;
}

const listening = new WeakMap<RadiusApi, Promise<string>>();

/**
 * One request to the rlm_rest API over a real socket, as FreeRADIUS makes them: the API listens on an
 * ephemeral loopback port on first use (closed with the API). An object payload is sent as JSON.
 */
export async function radiusRequest(
  api: RadiusApi,
  o: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: object | string },
): Promise<RadiusReply> {
  let base = listening.get(api);
  if (!base) {
    base = api.listen({ host: '127.0.0.1', port: 0 });
    listening.set(api, base);
  }
  const json = typeof o.payload === 'object';
  const res = await fetch(`${await base}${o.url}`, {
    method: o.method,
    headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...o.headers },
    body: o.payload === undefined ? undefined : json ? JSON.stringify(o.payload) : (o.payload as string),
  });
  const body = await res.text();
  return { statusCode: res.status, body, headers: res.headers, json: () => JSON.parse(body) };
}
