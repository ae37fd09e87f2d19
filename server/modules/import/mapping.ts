import YAML from 'yaml';
import { z } from 'zod';

import { isTimeZone } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { kopecksToDecimal, MAX_PAYMENT_KOPECKS, parseRubles } from '../../../common/money.js';
import { NAS_VENDORS, SERVICE_KINDS } from '../../db/schema/index.js';
import type { SourceCatalog } from './source.js';
import { parseIpv4, parseSourceAmount } from './source-values.js';

/**
 * The mapping file (docs/import.md, "Mapping"): how the source's areas, plans, add-ons, NAS and address
 * pools become Abonent's regions, tariffs, services, NAS and pools. The dry run writes it with a line for
 * everything the source has; the operator edits it and runs again. Entries are keyed by the source's key
 * (`from`); an entry the operator wrote is never replaced, only entries for new keys are added.
 */
const key = z.coerce.string().trim().min(1).max(200);
const regionCode = z.string().regex(/^[a-z][a-z0-9-]{1,19}$/, 'a region code: lowercase letters, digits, dashes');
const itemCode = z.string().regex(/^[a-z0-9-]{2,40}$/, 'a code: lowercase letters, digits, dashes, 2–40');
const name = z.coerce.string().trim().min(1).max(120);
const money = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const k = parseRubles(String(v));
  if (k === null || k < 0 || k > MAX_PAYMENT_KOPECKS) {
    ctx.addIssue({ code: 'custom', message: 'an amount in rubles, e.g. "350.00"' });
    return z.NEVER;
  }
  return k;
});
const speed = z.coerce.number().int().min(64).max(100_000_000);
const skip = z.object({ from: key, skip: z.literal(true) });
const ipv4 = z.string().refine((v) => parseIpv4(v) !== null, 'an IPv4 address');

const newRegion = z.object({
  code: regionCode,
  nameRu: name,
  nameEn: name,
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Europe/Moscow'),
  contractPrefix: z.coerce.string().regex(/^[1-9]\d$/, 'two digits, not starting with 0'),
  supportPhone: z.coerce.string().regex(/^\d{10,15}$/, 'digits only, 10–15'),
  supportEmail: z.string().email(),
});
const tariffEntry = z.object({
  from: key,
  code: itemCode,
  nameRu: name,
  nameEn: name,
  monthlyFee: money,
  speedDownKbps: speed,
  speedUpKbps: speed,
});
const addonEntry = z.object({
  from: key,
  kind: z.enum(SERVICE_KINDS),
  code: itemCode,
  nameRu: name,
  nameEn: name,
  monthlyFee: money,
});
const nasEntry = z.object({
  from: key,
  name,
  address: ipv4,
  vendor: z.enum(NAS_VENDORS),
  secret: z.coerce.string().max(128).default(''),
  region: regionCode,
  coaPort: z.coerce.number().int().min(1).max(65535).default(3799),
});
const poolEntry = z.object({ from: key, region: regionCode, first: ipv4, last: ipv4 });

export const mappingSchema = z.object({
  source: z.string().min(1),
  /** The source's clock: payment times without a zone are read in it. */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Europe/Moscow'),
  /** The country code a 10-digit national phone number gets. */
  phoneCountry: z.coerce
    .string()
    .regex(/^\d{1,3}$/)
    .default('7'),
  defaultRegion: regionCode,
  newRegions: z.array(newRegion).default([]),
  regions: z.array(z.object({ from: key, region: regionCode })).default([]),
  tariffs: z.array(z.union([skip, tariffEntry])).default([]),
  addons: z.array(z.union([skip, addonEntry])).default([]),
  staticIp: z.object({ code: itemCode, nameRu: name, nameEn: name, monthlyFee: money }),
  nas: z.array(z.union([skip, nasEntry])).default([]),
  pools: z.array(z.union([skip, poolEntry])).default([]),
});
export type Mapping = z.infer<typeof mappingSchema>;
export type TariffMapping = z.infer<typeof tariffEntry>;
export type AddonMapping = z.infer<typeof addonEntry>;
export type NasMapping = z.infer<typeof nasEntry>;
export type PoolMapping = z.infer<typeof poolEntry>;
export type NewRegion = z.infer<typeof newRegion>;

const isSkip = (e: object): boolean => 'skip' in e;
export const mappedTariffs = (m: Mapping) => m.tariffs.filter((t): t is TariffMapping => !isSkip(t));
export const mappedAddons = (m: Mapping) => m.addons.filter((t): t is AddonMapping => !isSkip(t));
export const mappedNas = (m: Mapping) => m.nas.filter((t): t is NasMapping => !isSkip(t));
export const mappedPools = (m: Mapping) => m.pools.filter((t): t is PoolMapping => !isSkip(t));

/** Reads the operator's YAML; a mistake is an error naming where it is. */
export function parseMapping(text: string): Mapping {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    throw new AppError('import_mapping_invalid', { details: (e as Error).message.split('\n')[0] });
  }
  const r = mappingSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('import_mapping_invalid', { details: `${i.path.join('.')}: ${i.message}` });
  }
  const m = r.data;
  for (const k of ['tariffs', 'addons', 'nas', 'pools', 'regions'] as const) {
    const seen = new Set<string>();
    for (const e of m[k]) {
      if (seen.has(e.from)) throw new AppError('import_mapping_invalid', { details: `${k}: "${e.from}" twice` });
      seen.add(e.from);
    }
  }
  return m;
}

/** What Abonent already has that the defaults lean on. */
export interface ExistingCatalog {
  regions: { code: string; timeZone: string; contractPrefix: string }[];
}

/**
 * The mapping for this source: the operator's file where there is one, plus a default entry for every
 * area, plan, add-on, NAS and pool it does not mention yet.
 */
export function completeMapping(opts: {
  source: string;
  catalog: SourceCatalog;
  existing: ExistingCatalog;
  given?: Mapping | null;
}): Mapping {
  const { catalog, existing } = opts;
  const given = opts.given ?? null;
  const firstRegion = existing.regions[0];
  const csvRegions = catalog.areas.filter((a) => a.region);
  const newRegions: NewRegion[] = given?.newRegions ? [...given.newRegions] : [];
  const prefixes = new Set([
    ...existing.regions.map((r) => r.contractPrefix),
    ...newRegions.map((r) => r.contractPrefix),
  ]);
  const codes = new Set([...existing.regions.map((r) => r.code), ...newRegions.map((r) => r.code)]);
  for (const a of csvRegions) {
    if (codes.has(a.key) || !/^[a-z][a-z0-9-]{1,19}$/.test(a.key)) continue;
    newRegions.push({ code: a.key, ...a.region! });
    codes.add(a.key);
    prefixes.add(a.region!.contractPrefix);
  }
  let defaultRegion = given?.defaultRegion ?? csvRegions[0]?.key ?? firstRegion?.code;
  if (!defaultRegion) {
    const prefix = freePrefix(prefixes);
    newRegions.push({
      code: 'main',
      nameRu: 'Основной регион',
      nameEn: 'Main region',
      timeZone: 'Europe/Moscow',
      contractPrefix: prefix,
      supportPhone: '88000000000',
      supportEmail: 'support@example.net',
    });
    defaultRegion = 'main';
  }
  const zoneOf = (code: string) =>
    existing.regions.find((r) => r.code === code)?.timeZone ?? newRegions.find((r) => r.code === code)?.timeZone;
  const m: Mapping = {
    source: opts.source,
    timeZone: given?.timeZone ?? zoneOf(defaultRegion) ?? 'Europe/Moscow',
    phoneCountry: given?.phoneCountry ?? '7',
    defaultRegion,
    newRegions,
    regions: [...(given?.regions ?? [])],
    tariffs: [...(given?.tariffs ?? [])],
    addons: [...(given?.addons ?? [])],
    staticIp: given?.staticIp ?? {
      code: 'static-ip',
      nameRu: 'Статический IP-адрес',
      nameEn: 'Static IP address',
      monthlyFee: 0,
    },
    nas: [...(given?.nas ?? [])],
    pools: [...(given?.pools ?? [])],
  };
  const has = (list: { from: string }[], k: string) => list.some((e) => e.from === k);
  for (const a of catalog.areas)
    if (a.key && !has(m.regions, a.key))
      m.regions.push({ from: a.key, region: a.region && codes.has(a.key) ? a.key : defaultRegion });
  const tariffCodes = new Set(mappedTariffs(m).map((t) => t.code));
  for (const p of catalog.plans) {
    if (has(m.tariffs, p.key)) continue;
    if (p.described === false) {
      m.tariffs.push({ from: p.key, skip: true });
      continue;
    }
    const code = uniqueCode(CODE.test(p.key) ? p.key : slug(p.name || p.key), tariffCodes);
    m.tariffs.push({
      from: p.key,
      code,
      nameRu: p.name || p.key,
      nameEn: transliterate(p.name || p.key),
      monthlyFee: parseSourceAmount(p.monthlyFee)?.kopecks ?? 0,
      speedDownKbps: p.speedDownKbps >= 64 ? p.speedDownKbps : 100_000,
      speedUpKbps: p.speedUpKbps >= 64 ? p.speedUpKbps : 100_000,
    });
  }
  const addonCodes = new Set(mappedAddons(m).map((t) => t.code));
  for (const a of catalog.addons) {
    if (has(m.addons, a.key)) continue;
    if (a.described === false) {
      m.addons.push({ from: a.key, skip: true });
      continue;
    }
    m.addons.push({
      from: a.key,
      kind: (SERVICE_KINDS as readonly string[]).includes(a.kind ?? '')
        ? (a.kind as AddonMapping['kind'])
        : guessKind(a.name),
      code: uniqueCode(CODE.test(a.key) ? a.key : slug(a.name || a.key), addonCodes),
      nameRu: a.name || a.key,
      nameEn: transliterate(a.name || a.key),
      monthlyFee: Math.max(0, parseSourceAmount(a.monthlyFee)?.kopecks ?? 0),
    });
  }
  const areaRegion = (area: string | null) => m.regions.find((r) => r.from === area)?.region ?? defaultRegion;
  for (const n of catalog.nas) {
    if (has(m.nas, n.key) || !parseIpv4(n.address)) continue;
    m.nas.push({
      from: n.key,
      name: n.name || n.address,
      address: parseIpv4(n.address)!,
      vendor: guessVendor(n.type),
      secret: n.secret ?? '',
      region: areaRegion(n.area),
      coaPort: 3799,
    });
  }
  for (const p of catalog.pools) {
    if (has(m.pools, p.key) || !parseIpv4(p.first) || !parseIpv4(p.last)) continue;
    m.pools.push({ from: p.key, region: areaRegion(p.area), first: parseIpv4(p.first)!, last: parseIpv4(p.last)! });
  }
  return m;
}

const CODE = /^[a-z0-9-]{2,40}$/;

function freePrefix(taken: Set<string>): string {
  for (let p = 10; p <= 99; p++) if (!taken.has(String(p))) return String(p);
  throw new AppError('import_mapping_invalid', { details: 'no free contract prefix' });
}

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
};

/** "Домашний 100" → "Domashniy 100" (for the English name of a plan the source named in Russian). */
export function transliterate(s: string): string {
  return [...s]
    .map((c) => {
      const lower = c.toLowerCase();
      const t = TRANSLIT[lower];
      if (t === undefined) return c;
      return c === lower ? t : t.charAt(0).toUpperCase() + t.slice(1);
    })
    .join('');
}

export function slug(s: string): string {
  const x = transliterate(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 36);
  return x.length >= 2 ? x : `plan-${x || 'x'}`;
}

function uniqueCode(base: string, taken: Set<string>): string {
  let code = base;
  for (let i = 2; taken.has(code); i++) code = `${base}-${i}`;
  taken.add(code);
  return code;
}

function guessKind(name: string): AddonMapping['kind'] {
  if (/\bip\b|айпи|адрес/i.test(name)) return 'static_ip';
  if (/моб|mobile|lte|4g/i.test(name)) return 'mobile';
  return 'tv';
}

function guessVendor(type: string): NasMapping['vendor'] {
  const t = type.toLowerCase();
  if (t.includes('mikrotik')) return 'mikrotik';
  if (t.includes('accel') || t.includes('mpd')) return 'accel_ppp';
  if (t.includes('cisco')) return 'cisco';
  if (t.includes('juniper')) return 'juniper';
  if (t.includes('huawei')) return 'huawei';
  return 'generic';
}

/**
 * The mapping as the YAML the operator edits: every entry with a comment saying what it is in the source
 * and how many subscribers it concerns.
 */
export function renderMapping(m: Mapping, catalog: SourceCatalog): string {
  const plain = {
    ...m,
    staticIp: { ...m.staticIp, monthlyFee: rub(m.staticIp.monthlyFee) },
    tariffs: m.tariffs.map((t) => ('skip' in t ? t : { ...t, monthlyFee: rub(t.monthlyFee) })),
    addons: m.addons.map((t) => ('skip' in t ? t : { ...t, monthlyFee: rub(t.monthlyFee) })),
  };
  const doc = new YAML.Document(plain);
  doc.commentBefore = [
    ` Abonent import mapping for the source "${m.source}" (docs/import.md, "Mapping").`,
    ' Edit it between the dry run and the real one; entries you write are kept by later dry runs.',
    ' Any entry may be replaced by `- from: "<key>"` + `skip: true` (its subscribers are then refused).',
  ].join('\n');
  const comment = (field: string, text: string) => {
    const pair = (doc.contents as YAML.YAMLMap).items.find((p) => YAML.isScalar(p.key) && p.key.value === field);
    if (pair && YAML.isScalar(pair.key)) pair.key.commentBefore = text;
  };
  comment('timeZone', ' The source clock: payment times without a zone are read in it.');
  comment('phoneCountry', ' Country code a 10-digit national phone number gets (7: Russia, 380: Ukraine).');
  comment('defaultRegion', ' Where subscribers of areas not listed under `regions` go.');
  comment('newRegions', ' Regions Abonent does not have yet: made by the real run.');
  comment('regions', ' Source areas (Ubilling: city; ABillS: group; CSV: region column) → Abonent region codes.');
  comment(
    'tariffs',
    ' Source plans → Abonent tariffs (made in every region they are used in; an existing code is reused).',
  );
  comment('addons', ' Source add-ons → Abonent services (kind: tv, static_ip or mobile).');
  comment(
    'staticIp',
    ' Service given with every carried address (a static_ip add-on of the subscriber, when mapped, is used instead).',
  );
  comment('nas', ' NAS: fill in `secret`, the RADIUS shared secret the NAS uses today (no router is touched).');
  comment('pools', ' Address pools (inclusive ranges): every carried IP must fall in a pool of its region.');
  const annotate = (field: string, note: (from: string) => string | null) => {
    const seq = doc.get(field, true) as YAML.YAMLSeq | undefined;
    for (const item of seq?.items ?? []) {
      const from = String((item as YAML.YAMLMap).get('from'));
      const text = note(from);
      if (text) (item as YAML.Node).commentBefore = ` ${text}`;
    }
  };
  const count = (n: number) => `${n} subscriber${n === 1 ? '' : 's'}`;
  annotate('regions', (k) => {
    const a = catalog.areas.find((x) => x.key === k);
    return a ? `${a.name || k}: ${count(a.subscribers)}` : null;
  });
  annotate('tariffs', (k) => {
    const p = catalog.plans.find((x) => x.key === k);
    if (!p) return null;
    if (p.described === false)
      return `${p.name}: not in tariffs.csv, ${count(p.subscribers)} (describe it to import them)`;
    const speed = p.speedDownKbps >= 64 ? '' : ' (no speed in the source: set it)';
    const how = p.period === 'day' ? 'charged day by day' : 'charged a month ahead';
    return `${p.name}: ${decimal(p.monthlyFee)} a month, ${how}; ${count(p.subscribers)}${speed}`;
  });
  annotate('addons', (k) => {
    const a = catalog.addons.find((x) => x.key === k);
    return a ? `${a.name}: ${decimal(a.monthlyFee)} a month; ${count(a.subscribers)}` : null;
  });
  annotate('nas', (k) => {
    const n = catalog.nas.find((x) => x.key === k);
    return n ? `${n.name} (${n.type || 'unknown type'})${n.secret ? '' : ': secret needed'}` : null;
  });
  annotate('pools', (k) => {
    const p = catalog.pools.find((x) => x.key === k);
    return p ? `${p.name || k}` : null;
  });
  return doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}

const rub = (k: number) => kopecksToDecimal(k);
const decimal = (value: string) => {
  const k = parseSourceAmount(value)?.kopecks;
  return k === undefined ? value : kopecksToDecimal(k);
};
