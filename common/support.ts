/** Support desk limits and words that both the cabinet form and the server check (docs/support.md). */
export const SUPPORT_LIMITS = {
  /** One attachment, bytes (10 MB). */
  attachmentBytes: 10 * 1024 * 1024,
  /** Attachments per message. */
  attachmentsPerMessage: 5,
  /** Uploaded files waiting to be sent, per person. */
  pendingUploads: 20,
  /** Bytes of files one ticket may hold, all messages together (50 MB). */
  ticketBytes: 50 * 1024 * 1024,
  /** Bytes a subscriber may upload per day (UTC), sent or not (100 MB). */
  subscriberBytesPerDay: 100 * 1024 * 1024,
  /** Bytes a staff member may upload per day (UTC): answers with scans (500 MB). */
  staffBytesPerDay: 500 * 1024 * 1024,
  /** Uploads per person in 10 minutes, counted before the file is read. */
  uploadsPer10Minutes: 30,
  subjectChars: 150,
  messageChars: 5000,
  /** A closed ticket can be reopened this many days after closing; later, a new one is written. */
  reopenDays: 30,
  /** A formal claim is answered within this many days of its registration (126-ФЗ art. 55 p. 7). */
  claimAnswerDays: 30,
} as const;

/** What can be attached, as detected from the file's content (never from its name or the browser's word). */
export const ATTACHMENT_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
} as const;
export type AttachmentMime = keyof typeof ATTACHMENT_TYPES;

export const TICKET_STATUS_LIST = ['new', 'in_progress', 'waiting', 'closed'] as const;
