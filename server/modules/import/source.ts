import type { ImportKind } from '../../db/schema/index.js';

/**
 * What every source reader gives (docs/import.md, "Sources"): the catalogue (regions' keys, plans,
 * add-ons, NAS, address pools) and the subscribers and payments in batches, each row with where it came
 * from. Values are as the source wrote them (text), normalised later by one code path for all sources.
 */
export interface SourcePlan {
  /** The source's key of the plan (Ubilling: its name; ABillS: tp_id; CSV: code). */
  key: string;
  name: string;
  /** Decimal rubles as the source wrote them ("350", "350.00"). */
  monthlyFee: string;
  speedDownKbps: number;
  speedUpKbps: number;
  /** How the source charges it: a month in advance, or day by day (docs/import.md, "Cut-over day"). */
  period: 'month' | 'day';
  /** Subscribers on it (for the mapping file's comments). */
  subscribers: number;
  /** False when only a subscriber row names it (CSV without tariffs.csv): mapped as skip until described. */
  described?: boolean;
}

export interface SourceAddon {
  key: string;
  name: string;
  monthlyFee: string;
  subscribers: number;
  described?: boolean;
  /** tv | static_ip | mobile when the source says (CSV); a guess from the name otherwise. */
  kind?: string;
}

export interface SourceArea {
  key: string;
  name: string;
  subscribers: number;
  /** CSV regions.csv gives the whole region. */
  region?: {
    nameRu: string;
    nameEn: string;
    timeZone: string;
    contractPrefix: string;
    supportPhone: string;
    supportEmail: string;
  };
}

export interface SourceNas {
  key: string;
  name: string;
  address: string;
  /** The source's type (mikrotik, accel_ppp, radius…): the vendor is guessed from it. */
  type: string;
  secret: string | null;
  area: string | null;
}

export interface SourcePool {
  key: string;
  name: string;
  first: string;
  last: string;
  area: string | null;
}

export interface SourceCatalog {
  areas: SourceArea[];
  plans: SourcePlan[];
  addons: SourceAddon[];
  nas: SourceNas[];
  pools: SourcePool[];
  /** What to know about the catalogue itself (a plan charged a month in advance, a day-fee plan). */
  warnings?: { ref: string; reason: string; detail: string }[];
}

export type SourceStatus = 'active' | 'suspended' | 'closed';

export interface SourceSubscriber {
  /** Where: "subscribers.csv:17", "users.login=ivanov", "users.uid=42". */
  ref: string;
  sourceId: string;
  name: string;
  address: string;
  phones: string[];
  emails: string[];
  passport: string;
  contract: string | null;
  account: string | null;
  area: string | null;
  plan: string | null;
  addons: string[];
  /** The subscriber's own monthly fee (decimal rubles) when the source has one. */
  personalFee: string | null;
  /** The source's status, already in Abonent's words, or null with `statusRaw` when it could not be read. */
  status: SourceStatus | null;
  statusRaw: string;
  login: string | null;
  password: string | null;
  mac: string | null;
  ip: string | null;
  /** Decimal rubles, any number of decimals (rounded to kopecks, docs/import.md, "Money"). */
  balance: string;
  credit: string | null;
  /** A credit with an end date is not carried (Abonent's credit limit has none). */
  creditUntil: string | null;
  signedOn: string | null;
  closedOn: string | null;
  /** The reader's own refusal (an ABillS company account). */
  refusal?: { reason: string; detail: string };
  /** Notes the reader already has (a name turned back from cp1251, a second internet service…). */
  warnings: { reason: string; detail: string }[];
}

export interface SourcePayment {
  ref: string;
  sourceId: string;
  subscriberId: string;
  /** "YYYY-MM-DD HH:MM:SS" (or a date alone) in the source's time zone. */
  at: string;
  amount: string;
  kind: 'payment' | 'correction';
  method: string | null;
  comment: string | null;
}

export interface SourceReader {
  kind: ImportKind;
  catalog(): Promise<SourceCatalog>;
  /** How many rows to expect (for progress). */
  counts(): Promise<{ subscribers: number; payments: number }>;
  subscribers(): AsyncIterable<SourceSubscriber[]>;
  payments(): AsyncIterable<SourcePayment[]>;
  close(): Promise<void>;
}

/** Rows read from a source per batch (and staged per statement). */
export const READ_BATCH = 5_000;
