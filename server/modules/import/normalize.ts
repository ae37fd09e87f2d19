import type { ImportReason } from '../../../common/import.js';
import type { ImportSeverity } from '../../db/schema/index.js';
import { encryptPassport } from '../contracts/passport-crypto.js';
import { encryptSecret } from '../network/network-crypto.js';
import { mappedAddons, mappedTariffs, type Mapping } from './mapping.js';
import type { SourcePayment, SourceSubscriber } from './source.js';
import {
  normaliseEmail,
  normaliseLogin,
  normaliseMac,
  normaliseSourcePhone,
  parseIpv4,
  parseSourceAmount,
  parseSourceDate,
  parseSourceTimestamp,
} from './source-values.js';

export interface Problem {
  severity: ImportSeverity;
  ref: string;
  sourceId: string | null;
  reason: ImportReason;
  detail: string | null;
}

/** A subscriber as staged (columns of import_stage_subscribers, snake_case for json_populate_recordset). */
export interface StageSubscriber {
  seq: number;
  source_id: string;
  ref: string;
  problem: ImportReason | null;
  full_name: string;
  address: string;
  phone: string;
  email: string | null;
  passport_enc: string | null;
  passport_last4: string | null;
  contract: string | null;
  account_number: string | null;
  region_code: string;
  tariff_code: string | null;
  personal_fee: number | null;
  addons: string[];
  status: 'active' | 'suspended' | 'closed';
  login: string | null;
  password_enc: string | null;
  mac: string | null;
  ip: string | null;
  balance: number;
  credit_limit: number;
  signed_on: string | null;
  closed_on: string | null;
}

export interface StagePayment {
  seq: number;
  source_id: string;
  subscriber_source_id: string;
  ref: string;
  /** A local time of the source ("YYYY-MM-DD HH:MM:SS"), turned into a moment in SQL with the mapping's zone. */
  at: string;
  amount: number;
  kind: 'payment' | 'correction';
  method: string | null;
  comment: string | null;
}

export interface NormaliseContext {
  mapping: Mapping;
  /** APP_SECRET: PPPoE passwords and passports are sealed before they reach the database. */
  secret: string;
}

const NO_IP = new Set(['', '*', '0.0.0.0']);

/**
 * One source subscriber → its staged row (refused rows are staged too, with their reason, so payments
 * can say whose they are) and what to report about it. One code path for every source.
 */
export function normaliseSubscriber(
  s: SourceSubscriber,
  seq: number,
  ctx: NormaliseContext,
): { row: StageSubscriber; problems: Problem[] } {
  const problems: Problem[] = [];
  const note = (severity: ImportSeverity, reason: ImportReason, detail: string | null = null) =>
    problems.push({ severity, ref: s.ref, sourceId: s.sourceId, reason, detail });
  let problem: ImportReason | null = null;
  const refuse = (reason: ImportReason, detail: string) => {
    if (!problem) {
      problem = reason;
      note('refused', reason, detail);
    }
  };
  for (const w of s.warnings) note('warning', w.reason as ImportReason, w.detail);
  if (s.refusal) refuse(s.refusal.reason as ImportReason, s.refusal.detail);

  const status = s.status;
  if (!status) refuse('bad_status', s.statusRaw);
  const open = status !== 'closed';

  const balance = parseSourceAmount(s.balance);
  if (!balance) refuse('bad_balance', s.balance);
  else if (balance.rounded) note('warning', 'balance_rounded', s.balance);
  let creditLimit = 0;
  if (s.credit && s.credit.trim() !== '') {
    const c = parseSourceAmount(s.credit);
    if (!c) refuse('bad_credit', s.credit);
    else if (c.kopecks > 0 && s.creditUntil) note('warning', 'credit_temporary', `${s.credit} until ${s.creditUntil}`);
    else creditLimit = Math.max(0, c.kopecks);
  }
  let personalFee: number | null = null;
  if (s.personalFee && s.personalFee.trim() !== '') {
    const f = parseSourceAmount(s.personalFee);
    if (!f || f.kopecks < 0) refuse('bad_fee', s.personalFee);
    else if (f.kopecks > 0) personalFee = f.kopecks;
  }

  const m = ctx.mapping;
  const regionCode = m.regions.find((r) => r.from === (s.area ?? ''))?.region ?? m.defaultRegion;
  let tariffCode: string | null = null;
  if (open) {
    if (!s.plan) refuse('no_plan', '');
    else {
      const t = mappedTariffs(m).find((x) => x.from === s.plan);
      if (!t) refuse('plan_not_mapped', s.plan);
      else tariffCode = t.code;
    }
  }
  const addons: string[] = [];
  const carriesIp = !NO_IP.has((s.ip ?? '').trim());
  if (open)
    for (const key of s.addons) {
      const a = mappedAddons(m).find((x) => x.from === key);
      if (!a) note('warning', 'addon_not_mapped', key);
      // A static-IP add-on is the address's own subscription: without an address there is nothing to hold.
      else if (a.kind === 'static_ip' && !carriesIp) note('warning', 'addon_dropped', key);
      else addons.push(a.code);
    }

  let login: string | null = null;
  let passwordEnc: string | null = null;
  let mac: string | null = null;
  let ip: string | null = null;
  const rawIp = (s.ip ?? '').trim();
  const hasNetwork = (s.login ?? '').trim() !== '' || (s.mac ?? '').trim() !== '' || !NO_IP.has(rawIp);
  if (!open && hasNetwork) note('warning', 'closed_network', [s.login, s.ip].filter(Boolean).join(' '));
  if (open) {
    if (s.login && s.login.trim() !== '') {
      login = normaliseLogin(s.login);
      if (!login) refuse('bad_login', s.login);
      else if (s.password) passwordEnc = encryptSecret('network-password', s.password, ctx.secret);
    }
    if (s.mac && s.mac.trim() !== '') {
      mac = normaliseMac(s.mac);
      if (!mac) refuse('bad_mac', s.mac);
    }
    if (!NO_IP.has(rawIp)) {
      ip = parseIpv4(rawIp);
      if (!ip) refuse('bad_ip', rawIp);
    }
  }

  const contract = (s.contract ?? '').trim() || null;
  if (contract && contract.length > 40) refuse('bad_contract', contract);
  const account = (s.account ?? '').trim() || null;
  if (account && !/^\d{6,12}$/.test(account)) refuse('bad_account', account);

  const phone = s.phones.map((p) => normaliseSourcePhone(p, m.phoneCountry)).find((p) => p !== null) ?? null;
  if (!phone) note('warning', 'phone_missing', s.phones.join(', '));
  const email = s.emails.map(normaliseEmail).find((e) => e !== null) ?? null;
  if (!email && s.emails.some((e) => e.trim() !== '')) note('warning', 'email_unusable', s.emails.join(', '));
  const name = s.name.replace(/\s+/g, ' ').trim();
  if (!name) note('warning', 'name_missing', s.login ?? s.sourceId);
  const passport = s.passport.replace(/\D/g, '');

  const row: StageSubscriber = {
    seq,
    source_id: s.sourceId,
    ref: s.ref,
    problem,
    full_name: name.slice(0, 300),
    address: s.address.replace(/\s+/g, ' ').trim().slice(0, 500),
    phone: phone ?? '',
    email,
    passport_enc: passport.length >= 4 ? encryptPassport(passport, ctx.secret) : null,
    passport_last4: passport.length >= 4 ? passport.slice(-4) : null,
    contract,
    account_number: account,
    region_code: regionCode,
    tariff_code: tariffCode,
    personal_fee: personalFee,
    addons,
    status: status ?? 'active',
    login,
    password_enc: passwordEnc,
    mac,
    ip,
    balance: balance?.kopecks ?? 0,
    credit_limit: creditLimit,
    signed_on: s.signedOn ? parseSourceDate(s.signedOn) : null,
    closed_on: s.closedOn ? parseSourceDate(s.closedOn) : null,
  };
  return { row, problems };
}

export function normalisePayment(p: SourcePayment, seq: number): { row: StagePayment | null; problem: Problem | null } {
  const refuse = (reason: ImportReason, detail: string) => ({
    row: null,
    problem: { severity: 'refused' as const, ref: p.ref, sourceId: p.sourceId, reason, detail },
  });
  const amount = parseSourceAmount(p.amount);
  if (!amount) return refuse('bad_amount', p.amount);
  const at = parseSourceTimestamp(p.at);
  if (!at) return refuse('bad_date', p.at);
  return {
    row: {
      seq,
      source_id: p.sourceId,
      subscriber_source_id: p.subscriberId,
      ref: p.ref,
      at,
      amount: amount.kopecks,
      kind: p.kind,
      method: p.method?.slice(0, 100) || null,
      comment: p.comment?.slice(0, 500) || null,
    },
    problem: null,
  };
}
