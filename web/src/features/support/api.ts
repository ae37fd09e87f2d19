import { useQuery } from '@tanstack/react-query';

import { api, ApiError } from '../../api/client';
import i18n from '../../i18n';

/** Response shapes of /api/me/support and /api/staff/support (mirror server/modules/support/support.schemas.ts). */
export type TicketStatus = 'new' | 'in_progress' | 'waiting' | 'closed';
export interface Names {
  nameRu: string;
  nameEn: string;
}
export interface Attachment {
  id: number;
  fileName: string;
  mime: string;
  size: number;
}
export interface WaitEstimate {
  ahead: number;
  medianMinutes: number | null;
  basis: 'category' | 'region' | 'none';
  staffActive: number;
  minutes: number | null;
  slaMinutes: number;
}
export interface Category extends Names {
  id: number;
  code: string;
  isClaim: boolean;
  firstResponseMinutes: number;
}
export interface TicketSummary {
  id: number;
  subject: string;
  status: TicketStatus;
  categoryId: number;
  claimNumber: string | null;
  claimDueOn: string | null;
  createdAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  lastMessageAt: string;
}
export interface Message {
  id: number;
  author: 'subscriber' | 'staff';
  body: string;
  createdAt: string;
  attachments: Attachment[];
  internal?: boolean;
  staffName?: string | null;
}
export interface MyTicket extends TicketSummary {
  category: Names & { isClaim: boolean };
  canReopen: boolean;
  hotline: string;
  expectedWait: WaitEstimate | null;
  messages: Message[];
}
export interface StaffTicket extends TicketSummary {
  firstResponseDueAt: string;
  resolutionDueAt: string;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  claimAnsweredAt: string | null;
  reopenCount: number;
  category: Names & { id: number; isClaim: boolean; firstResponseMinutes: number; resolutionHours: number };
  region: Names & { id: number };
  assignee: { id: number; fullName: string } | null;
  subscriber: {
    accountId: number;
    account: string;
    contract: string;
    fullName: string;
    phone: string;
    email: string | null;
  };
  recentTickets: TicketSummary[];
  cannedReplies: { id: number; title: string; body: string }[];
  messages: Message[];
}
export interface QueueTicket {
  id: number;
  subject: string;
  status: TicketStatus;
  claimNumber: string | null;
  claimDueOn: string | null;
  accountId: number;
  account: string;
  subscriberName: string;
  category: Names;
  region: Names;
  assignee: { id: number; fullName: string } | null;
  unread: number;
  createdAt: string;
  firstResponseAt: string | null;
  firstResponseDueAt: string;
  resolutionDueAt: string;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
}

function csrfToken(): string {
  return (
    document.cookie
      .split('; ')
      .find((c) => c.startsWith('abonent_csrf='))
      ?.slice('abonent_csrf='.length) ?? ''
  );
}

/** Uploads one file (multipart, field "file") with the session cookie and CSRF header. */
export async function uploadFile(path: string, file: File): Promise<Attachment> {
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
    queryFn: () => api<{ unread: number }>('/api/me/support/unread').then((r) => r.unread),
    refetchInterval: 60_000,
  });
