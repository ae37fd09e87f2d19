import { boolean, jsonb, pgTable, smallserial, text } from 'drizzle-orm/pg-core';

/** Per-region rules that an ISP can tune; defaults are in server/modules/regions/region-settings.ts. */
export interface RegionSettings {
  /** Prepay bonus tiers: paying `months` of the fee at once gives `percent` back as a bonus. */
  prepayTiers?: { months: number; percent: number }[];
  /** Days of balance under which a low-balance warning goes out. */
  lowBalanceDays?: number;
  /** Voluntary suspension rules (docs/suspension.md); defaults in common/suspension-rules.ts. */
  suspension?: {
    /** Approve applications that meet the rules without a staff review. */
    autoApprove?: boolean;
    /** Kopecks per suspended day beyond the free days. */
    dailyFee?: number;
    /** Free days within any `windowDays` consecutive days. */
    freeDays?: number;
    windowDays?: number;
    minDays?: number;
    maxDays?: number;
  };
  /** Mobile internet page of the region: a lead paragraph (the packages come from the catalogue). */
  mobileInfo?: { ru?: string; en?: string };
}

export const regions = pgTable('regions', {
  id: smallserial('id').primaryKey(),
  /** Short stable code, e.g. "spb". */
  code: text('code').notNull().unique(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  /** IANA zone; a billing day is a calendar day in this zone. */
  timeZone: text('time_zone').notNull(),
  supportPhone: text('support_phone').notNull(),
  supportEmail: text('support_email').notNull(),
  /** Two digits that start every contract number issued in the region. */
  contractPrefix: text('contract_prefix').notNull().unique(),
  settings: jsonb('settings').$type<RegionSettings>().notNull().default({}),
  active: boolean('active').notNull().default(true),
});
