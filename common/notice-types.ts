/**
 * The types of notice a subscriber chooses channels for (the cabinet's notification settings page,
 * docs/notifications.md). Every template the system sends belongs to one of them, or is a direct
 * message (a code sent to one address whatever the settings say): server/modules/notifications/
 * templates.ts maps each template, so a new template does not compile until it is placed.
 */
export const NOTICE_TYPES = ['balance', 'payments', 'support', 'services', 'security'] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

/**
 * Channels a subscriber may choose besides the cabinet inbox (always on). A messenger is tried first:
 * when SMS is chosen too, it goes only if no messenger chat got the message.
 */
export const NOTICE_CHANNELS = ['telegram', 'sms', 'email'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];
