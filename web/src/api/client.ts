import createClient, {
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from 'openapi-fetch';

import i18n from '../i18n';
import type { paths } from './schema';

/**
 * The typed API client. Paths, methods, path and query parameters, bodies and responses come from
 * web/src/api/schema.ts, generated from the server's OpenAPI document (`npm run api:generate`, decision
 * 0007): a call the contract does not have does not type-check.
 *
 *   const overview = await api.GET('/api/me/overview');
 *   await api.POST('/api/me/payments', { body: { amount: '500' } });
 *   await api.GET('/api/staff/accounts/{id}', { params: { path: { id } } });
 */

/** An API error with the server's stable code and its message in the user's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function csrfToken(): string | undefined {
  return document.cookie
    .split('; ')
    .find((c) => c.startsWith('abonent_csrf='))
    ?.slice('abonent_csrf='.length);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every request asks for the chosen language; unsafe methods echo the CSRF cookie in X-CSRF-Token. */
const sessionHeaders: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept-language', i18n.language);
    if (!SAFE_METHODS.has(request.method)) request.headers.set('x-csrf-token', csrfToken() ?? '');
    return request;
  },
};

const client = createClient<paths>({ credentials: 'same-origin' });
client.use(sessionHeaders);

/** The body of an error answer as an ApiError; a body that is not `{error:{code,message}}` is a network error. */
function apiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(status, error.code, error.message);
  }
  return new ApiError(status, 'internal', i18n.t('errors.network'));
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Client = typeof client;
type Operation<M extends Method, P extends ClientPathsWithMethod<Client, M>> = paths[P][M];
/** The request options of an operation: `params` (path, query) and `body` exactly as the contract has them. */
type Init<M extends Method, P extends ClientPathsWithMethod<Client, M>> = MaybeOptionalInit<paths[P], M>;
type Args<M extends Method, P extends ClientPathsWithMethod<Client, M>> =
  undefined extends Init<M, P> ? [init?: Init<M, P>] : [init: Init<M, P>];
/** The success body of an operation. */
export type ApiData<M extends Method, P extends ClientPathsWithMethod<Client, M>> = NonNullable<
  FetchResponse<Operation<M, P> & Record<string | number, unknown>, object, `${string}/${string}`>['data']
>;

function call<M extends Method>(method: M) {
  const upper = method.toUpperCase() as Uppercase<M>;
  return async <P extends ClientPathsWithMethod<Client, M>>(path: P, ...[init]: Args<M, P>): Promise<ApiData<M, P>> => {
    const send = client[upper] as (
      path: string,
      init?: object,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    const { data, error, response } = await send(path, init);
    if (!response.ok) throw apiError(response.status, error);
    return data as ApiData<M, P>;
  };
}

/** Calls the API with the session cookie; resolves to the success body, rejects with an ApiError. */
export const api = {
  GET: call('get'),
  POST: call('post'),
  PUT: call('put'),
  PATCH: call('patch'),
  DELETE: call('delete'),
};

/**
 * Downloads a file the API serves (statement CSV/PDF, contract PDF) with the session cookie and saves it
 * under `filename`. The path and its parameters are checked against the contract like any other call.
 */
export async function download<P extends ClientPathsWithMethod<Client, 'get'>>(
  filename: string,
  path: P,
  ...[init]: Args<'get', P>
): Promise<void> {
  const send = client.GET as (
    path: string,
    init?: object,
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
  const { data, error, response } = await send(path, { ...init, parseAs: 'blob' });
  if (!response.ok) throw apiError(response.status, error);
  const url = URL.createObjectURL(data as Blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
