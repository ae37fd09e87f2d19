import { z } from 'zod';

import { CHANNELS, OUTBOX_STATES } from '../../db/schema/index.js';
import { idNumber } from '../shared.schemas.js';

export const inboxQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const message = z.object({
  id: z.number(),
  subject: z.string(),
  body: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
export const inboxResponse = z.object({ notifications: z.array(message) });
export const unreadResponse = z.object({ unread: z.number() });
export const messageParams = z.object({ id: idNumber });

export const devOutboxResponse = z.object({
  messages: z.array(
    z.object({
      id: z.number(),
      channel: z.enum(CHANNELS),
      address: z.string().nullable(),
      subject: z.string(),
      body: z.string(),
      state: z.enum(OUTBOX_STATES).describe('delivered / undelivered: from the SMSC delivery receipts (SMS)'),
      createdAt: z.string(),
    }),
  ),
});
