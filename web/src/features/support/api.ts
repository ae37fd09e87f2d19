import { useQuery } from '@tanstack/react-query';

import { api, type ApiData, ApiError } from '../../api/client';
import type { components } from '../../api/schema';
import i18n from '../../i18n';

/** Response shapes of /api/me/support and /api/staff/support, from the API contract (web/src/api/schema.ts). */
export type Attachment = components['schemas']['SupportAttachment'];
export type WaitEstimate = components['schemas']['SupportWaitEstimate'];
export type MyTicket = ApiData<'get', '/api/me/support/tickets/{id}'>;
export type StaffTicket = ApiData<'get', '/api/staff/support/tickets/{id}'>;
export type Category = ApiData<'get', '/api/me/support/categories'>['categories'][number];
/** A message of either thread: staff see notes and names, subscribers do not. */
export type Message = MyTicket['messages'][number] &
  Partial<Pick<StaffTicket['messages'][number], 'internal' | 'staffName'>>;
/** Anything named in both languages (category, region). */
export type Names = Pick<Category, 'nameRu' | 'nameEn'>;

function csrfToken(): string {
  return (
    document.cookie
      .split('; ')
      .find((c) => c.startsWith('abonent_csrf='))
      ?.slice('abonent_csrf='.length) ?? ''
  );
}

/**
 * Uploads one file (multipart, field "file") with the session cookie and CSRF header. A plain fetch: the
 * contract documents these routes' answers, and openapi-fetch would send the body as JSON.
 */
export async function uploadFile(
  path: '/api/me/support/attachments' | '/api/staff/support/attachments',
  file: File,
): Promise<Attachment> {
  const body = new FormData();
  body.append('file', file, file.name);
  const res = await fetch(path, {
    method: 'POST',
    body,
    credentials: 'same-origin',
    headers: { 'accept-language': i18n.language, 'x-csrf-token': csrfToken() },
  });
  const json = (await res.json().catch(() => null)) as
    (Attachment & { error?: { code: string; message: string } }) | null;
  if (res.ok && json) return json;
  throw new ApiError(res.status, json?.error?.code ?? 'internal', json?.error?.message ?? i18n.t('errors.network'));
}

/** Answers from support the subscriber has not opened (menu badge), kept fresh by the live stream. */
export const useSupportUnread = () =>
  useQuery({
    queryKey: ['support', 'unread'],
    queryFn: () => api.GET('/api/me/support/unread').then((r) => r.unread),
    refetchInterval: 60_000,
  });
