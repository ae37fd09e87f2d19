import { z } from 'zod';

import { idNumber } from '../shared.schemas.js';

export const tagView = z.object({ id: z.number(), name: z.string(), accounts: z.number() });
export const tagsList = z.object({ tags: z.array(tagView) });
export const createTagBody = z.object({ name: z.string().trim().min(1).max(50) });
export const accountParams = z.object({ id: idNumber });
export const accountTagsBody = z.object({ tagIds: z.array(idNumber).max(50) });
export const accountTags = z.object({ tags: z.array(z.object({ id: z.number(), name: z.string() })) });
