import i18n from '../i18n';

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

/**
 * Calls the API with the session cookie; unsafe methods echo the CSRF cookie in X-CSRF-Token.
 * Every error becomes an ApiError whose message is already in the chosen language.
 */
export async function api<T>(path: string, opts: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { 'accept-language': i18n.language };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken() ?? '';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  let code = 'internal';
  let message = i18n.t('errors.network');
  try {
    const j = (await res.json()) as { error?: { code: string; message: string } };
    if (j.error) ({ code, message } = j.error);
  } catch {
    /* not JSON */
  }
  throw new ApiError(res.status, code, message);
}

/** Downloads a file from the API (statement CSV/PDF, contract PDF) with the session cookie. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { 'accept-language': i18n.language } });
  if (!res.ok) throw new ApiError(res.status, 'download_failed', i18n.t('errors.network'));
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
