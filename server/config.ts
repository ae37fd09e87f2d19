import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { z } from 'zod';

import type { SecretKeys } from './crypto/secret-box.js';
import { PROVIDER_NAMES } from './integrations/acquiring/provider.js';

/**
 * The only reader of process.env. Everything else receives a typed Config.
 * Secrets (SMTP password, provider keys) come from the environment only, never from files in the repo.
 */
export const envSchema = z.object({
  /**
   * `development` and `test` take effect only on a loopback HOST (the default then); anything else —
   * unset, a typo, or development on 0.0.0.0 — runs as production (docs/security.md, "Production is
   * the default"). `npm start`, `npm run dev` and `npm run cli` set development when it is unset.
   */
  NODE_ENV: z.enum(['development', 'production', 'test']).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Address to listen on. Default: 127.0.0.1 in development (the dev outbox and demo logins stay on
   * this machine), 0.0.0.0 in production (behind the reverse proxy; docs/deploy.md binds 127.0.0.1).
   */
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z.string().url().optional(),
  /**
   * A streaming replica of DATABASE_URL's server (docs/scale.md): statements, exports and reports read
   * from it; everything else (and every money decision) uses the primary. Unset: the primary.
   */
  DATABASE_REPLICA_URL: z.string().url().optional(),
  /** Connections per app process to PostgreSQL (and as many again to the replica). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('./data'),
  /**
   * Where support attachments are stored (outside the web root); default `<DATA_DIR>/support-files`.
   * Several app servers must share it (a network volume) — see docs/support.md.
   */
  SUPPORT_FILES_DIR: z.string().optional(),
  /**
   * Uploads are refused (507 storage_full) while the files' volume has less free space than this
   * (MB, after the file), so a flood of uploads stops before the disk fills. Keep SUPPORT_FILES_DIR on
   * its own volume in production: the floor then guards it, and the database never shares it.
   */
  SUPPORT_FILES_MIN_FREE_MB: z.coerce.number().int().min(0).max(10_000_000).default(1024),
  /**
   * Reverse proxies whose X-Forwarded-For is believed: comma-separated addresses or CIDRs only
   * (`127.0.0.1,::1`, `10.0.0.0/8`); `true`, `*` or anything else is refused at start (it would let
   * any client choose its own address). Unset: none — the client address is the TCP peer, so nobody
   * can forge it for rate limits or the payment agents' allow-lists; a request that carries
   * X-Forwarded-For all the same is logged once as a likely misconfiguration.
   */
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Public URL of the portal, used in links inside e-mails and SMS. */
  PUBLIC_URL: z.string().url().optional(),
  /**
   * The key material of values encrypted at rest (passports, staff TOTP secrets) and of derived keys.
   * Required in production. To rotate: the old value goes to APP_SECRET_PREVIOUS, then
   * `abonent secrets reseal` (docs/deploy.md, "Secret rotation").
   */
  APP_SECRET: z.string().min(16).optional(),
  /** Earlier APP_SECRETs (comma-separated), accepted for reading until `abonent secrets reseal` ran. */
  APP_SECRET_PREVIOUS: z.string().optional(),
  /**
   * What this process does (docs/scale.md, "Process roles"): `all` — the web app and API, the RADIUS API
   * when RADIUS_API_KEY is set, jobs when WORKER=1; `radius` — only FreeRADIUS's rlm_rest API (no web
   * port, no jobs), so a heavy report or a night's billing on other processes cannot slow authorization.
   */
  ROLE: z.enum(['all', 'radius']).default('all'),
  /** Start the in-process job worker and scheduler (set 0 on web-only replicas). */
  WORKER: z
    .enum(['0', '1'])
    .default('1')
    .transform((v) => v === '1'),
  /** Seed demo data on first start of an empty database. */
  /**
   * Load the demo ISP (regions, staff, subscribers with printed passwords) into an empty database at
   * start. Default: on in development only; never by default in production (`abonent seed-demo` or
   * DEMO_SEED=1 there, for a demo server).
   */
  DEMO_SEED: z.enum(['0', '1']).optional(),
  /**
   * Read caches (docs/decisions/0005-read-caches.md): seconds a session lookup and the cabinet's
   * overview may be served from memory; 0 turns each off. Changes made by this process clear them at
   * once; session changes made by other processes arrive by LISTEN/NOTIFY; the overview in other
   * processes may lag by up to its TTL.
   */
  SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  /**
   * Staff sessions (docs/auth.md): they end STAFF_SESSION_HOURS after sign-in whatever happens, and
   * after STAFF_SESSION_IDLE_MINUTES without a request. Subscriber sessions last 30 days.
   */
  STAFF_SESSION_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  STAFF_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(30),
  /**
   * The global ceiling of each sign-in and code endpoint (docs/security.md, "Limits"): secrets checked per
   * minute across all clients and servers. Past it, devices not yet trusted wait; known devices sign in.
   */
  AUTH_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(10).max(1_000_000).default(1200),
  OVERVIEW_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(2),
  /**
   * Prometheus metrics (docs/scale.md, "Metrics"). `/metrics` is served only when protected: with
   * METRICS_TOKEN it answers on the app's port to `Authorization: Bearer <token>`; with METRICS_PORT it
   * answers on that separate port (bound to METRICS_HOST, an internal address) without a token.
   */
  METRICS_TOKEN: z.string().min(16).optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /**
   * Graceful shutdown on SIGTERM: readiness turns 503 at once; for SHUTDOWN_DRAIN_SECONDS the process
   * keeps serving (so the load balancer sees it leave before connections are refused), then stops
   * listening, finishes in-flight requests and jobs, flushes and closes the database. Everything must be
   * over in SHUTDOWN_TIMEOUT_SECONDS (keep it under the orchestrator's kill timeout, 30 s by default).
   */
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(120).default(5),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(25),
  /**
   * Accounts per statement of the daily charge (docs/billing.md). Smaller batches hold fewer account
   * rows locked at once (payments wait less); larger ones amortise the per-statement cost.
   */
  BILLING_BATCH_ACCOUNTS: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().default('Abonent <noreply@abonent.local>'),
  SMPP_URL: z.string().optional(),
  SMPP_SYSTEM_ID: z.string().optional(),
  SMPP_PASSWORD: z.string().optional(),
  /**
   * A text longer than one SMS (140 octets: 70 Cyrillic / 140 Latin characters): `udh` concatenated
   * parts with a user data header (default), `sar` parts with SAR TLVs, or `payload` one PDU with
   * message_payload for the SMSC to split. Ask the SMSC operator which it supports.
   */
  SMPP_LONG_MESSAGES: z.enum(['udh', 'sar', 'payload']).default('udh'),
  /** enquire_link period of the bound SMPP session (0: none). */
  SMPP_ENQUIRE_LINK_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /**
   * GSM text (data_coding 0) in short_message: `octets` one septet per octet, ≤ 140 a part (every SMSC;
   * 140/134 characters), `unpacked` for an SMSC that packs itself (160/153 characters, up to 160 octets),
   * `packed` 7-bit packed by Abonent (160/153 characters in 140 octets). Ask the SMSC operator.
   */
  SMPP_GSM7: z.enum(['octets', 'unpacked', 'packed']).default('octets'),
  /** submit_sm per second one bind sends at most (the SMSC's contracted rate; 0: no limit). */
  SMPP_SEND_RATE: z.coerce.number().min(0).max(10_000).default(50),
  /** submit_sm awaiting their response at once on one bind (the SMSC's window). */
  SMPP_WINDOW: z.coerce.number().int().min(1).max(256).default(10),
  SMS_SENDER: z.string().default('Abonent'),
  /** HTTP SMS gateway (alternative to SMPP): POST JSON {to, text, sender}. */
  SMS_HTTP_URL: z.string().url().optional(),
  SMS_HTTP_KEY: z.string().optional(),
  /**
   * Telegram bot (docs/telegram.md): the token from @BotFather. Unset: no bot, no Telegram channel, the
   * cabinet does not offer it. Production receives updates by webhook at `<PUBLIC_URL>/api/telegram/webhook`
   * (set at start), development by long polling.
   */
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,}$/, 'the token @BotFather gave: <digits>:<secret>')
    .optional(),
  /** The bot's username (without @), for the t.me deep links of "Подключить Telegram". */
  TELEGRAM_BOT_USERNAME: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, 'a Telegram username without @')
    .optional(),
  /**
   * The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token with every webhook update (setWebhook
   * secret_token: 1–256 of A-Z a-z 0-9 _ -). Required in production when the bot is on.
   */
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 characters of A-Z a-z 0-9 _ -')
    .optional(),
  /** Bot API server (a local telegram-bot-api server, or the tests' fake). */
  TELEGRAM_API_URL: z.string().url().default('https://api.telegram.org'),
  /** ATOL Online (54-ФЗ receipts): API v5 base (https://online.atol.ru/possystem/v5) and credentials. */
  ATOL_API_URL: z.string().url().optional(),
  ATOL_LOGIN: z.string().optional(),
  ATOL_PASSWORD: z.string().optional(),
  /**
   * Card acquiring: enabled providers, optionally per region code: `yookassa` or
   * `msk=yookassa;spb=yookassa`. `test_acquirer` (development/test only: it credits balances with no
   * money moving) is refused at a production start. Unset: the test acquirer in development/test, none
   * in production.
   */
  PAYMENT_PROVIDERS: z.string().optional(),
  /** HMAC key of the built-in test acquirer's notifications. */
  TEST_ACQUIRER_SECRET: z.string().min(16).optional(),
  YOOKASSA_SHOP_ID: z.string().optional(),
  YOOKASSA_SECRET_KEY: z.string().optional(),
  YOOKASSA_API_URL: z.string().url().default('https://api.yookassa.ru/v3'),
  /**
   * Where YooKassa notifications may come from (comma-separated addresses/CIDRs). Default: the networks
   * YooKassa publishes (https://yookassa.ru/developers/using-api/webhooks#ip). The address is the client
   * address as TRUST_PROXY makes it: behind a proxy, list the proxy in TRUST_PROXY.
   */
  YOOKASSA_WEBHOOK_ALLOW: z.string().optional(),
  /**
   * T-Bank Internet Acquiring (API v2): the terminal and its password (they sign every request and
   * notification); the provider `tbank` exists only when both are set.
   */
  TBANK_TERMINAL_KEY: z.string().max(20).optional(),
  TBANK_PASSWORD: z.string().optional(),
  TBANK_API_URL: z.string().url().default('https://securepay.tinkoff.ru/v2'),
  /** Provider notifications per source address per minute before 429 (the provider sends them again). */
  WEBHOOK_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  /**
   * Network (docs/network.md). The key FreeRADIUS's rlm_rest presents (HTTP basic, user `freeradius`);
   * unset: the /api/radius endpoints refuse every call and nothing RADIUS runs.
   */
  RADIUS_API_KEY: z.string().min(16).optional(),
  /** Where the rlm_rest API listens: its own port, loopback by default (never behind the public proxy). */
  RADIUS_API_HOST: z.string().default('127.0.0.1'),
  RADIUS_API_PORT: z.coerce.number().int().min(0).max(65535).default(3812),
  /** Addresses/CIDRs FreeRADIUS may call from (comma-separated); unset: any that has the key. */
  RADIUS_API_ALLOW: z.string().optional(),
  /**
   * TLS for the rlm_rest link (PEM files: the certificate chain and its key): the RADIUS API answers https
   * only. Required to listen on an address other than loopback, unless RADIUS_API_ALLOW names the
   * FreeRADIUS hosts of a network the operator trusts with clear PPPoE passwords (docs/network.md).
   */
  RADIUS_API_TLS_CERT: z.string().optional(),
  RADIUS_API_TLS_KEY: z.string().optional(),
  /**
   * While the database is unreachable: `last_known` answers from the last state this process saw
   * (subscribers stay online; writes are spooled), `reject` refuses every Access-Request.
   */
  RADIUS_OFFLINE_AUTH: z.enum(['last_known', 'reject']).default('last_known'),
  /** The NAS address pool and MikroTik address list that debtors and suspended subscribers go to. */
  RADIUS_DEBTOR_POOL: z.string().min(1).max(64).default('abonent-debtors'),
  RADIUS_DEBTOR_ADDRESS_LIST: z.string().min(1).max(64).default('abonent-debtors'),
  /** MikroTik: the address list everyone else is in (a CoA moves a session between the two lists). */
  RADIUS_ACTIVE_ADDRESS_LIST: z.string().min(1).max(64).default('abonent-active'),
  /**
   * Seconds FreeRADIUS keeps a subscriber's last answer (rlm_cache, docs/network.md, "Through an Abonent
   * outage") to answer from while no Abonent endpoint answers; each answer from Abonent replaces it. 0: no
   * cache (every Access-Request is rejected while Abonent is down).
   */
  RADIUS_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(86_400),
  /** Acct-Interim-Interval asked of the NAS (seconds); a session silent for 3× this is closed as lost. */
  RADIUS_INTERIM_SECONDS: z.coerce.number().int().min(60).max(86_400).default(300),
  /** CoA / Disconnect: wait per try (ms) and tries per request before the retry job takes it. */
  RADIUS_COA_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1000),
  RADIUS_COA_TRIES: z.coerce.number().int().min(1).max(10).default(3),
  /** Days the post-auth log is kept. */
  RADIUS_AUTH_LOG_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /**
   * Days a finished RADIUS session (who was online, from which address, how much traffic) is kept:
   * three years, what ФЗ «О связи» art. 64 asks of an operator for the facts of its users' connections
   * (docs/personal-data.md).
   */
  RADIUS_SESSIONS_DAYS: z.coerce.number().int().min(30).max(3650).default(1095),
  /**
   * Days after a contract's termination before the subscriber's personal data is anonymised
   * (152-ФЗ art. 5 p. 7, art. 21 p. 4): three years — what the communications law and the limitation
   * period need of a former subscriber's identity. Money records stay in full. docs/personal-data.md.
   */
  PD_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(1095),
  /**
   * The organisation in the 1C:Бухгалтерия export (EnterpriseData, docs/reports.md). Name and INN are
   * required to export; the bank account is required when payments came by bank (agents, transfers).
   */
  ACCOUNTING_ORG_NAME: z.string().min(1).max(200).optional(),
  ACCOUNTING_ORG_INN: z
    .string()
    .regex(/^\d{10}(\d{2})?$/, '10 digits (an organisation) or 12 (an entrepreneur)')
    .optional(),
  ACCOUNTING_ORG_KPP: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  ACCOUNTING_BANK_ACCOUNT: z
    .string()
    .regex(/^\d{20}$/)
    .optional(),
  ACCOUNTING_BANK_BIK: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  ACCOUNTING_BANK_NAME: z.string().min(1).max(200).optional(),
  /** VAT of the services sold, in percent, or `none` (УСН without VAT, an exemption). */
  ACCOUNTING_VAT: z.enum(['none', '0', '5', '7', '10', '20', '22']).optional(),
  /** A full reload of the in-memory RADIUS state every N seconds, besides the change notifications. */
  RADIUS_RELOAD_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
});

export type Env = z.infer<typeof envSchema>;

/** The APP_SECRET of development and tests; a production start refuses it. */
export const DEV_SECRET = 'abonent-development-secret-not-for-production';

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export interface Config extends Omit<Env, 'HOST' | 'DEMO_SEED' | 'NODE_ENV'> {
  /** The mode the process runs in: production unless development/test was asked on a loopback HOST. */
  NODE_ENV: 'development' | 'production' | 'test';
  HOST: string;
  DEMO_SEED: boolean;
  dbKind: 'pglite' | 'postgres';
  secret: string;
  /** APP_SECRET and the earlier ones still accepted for opening sealed values. */
  secrets: SecretKeys;
  publicUrl: string;
  /** TRUST_PROXY's addresses and CIDRs, or false. */
  trustProxy: false | string[];
  supportFilesDir: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  // Production unless development (or test) was asked for AND the server listens on this machine only.
  const asked = e.NODE_ENV;
  const devAsked = asked === 'development' || asked === 'test';
  const host = e.HOST ?? (devAsked ? '127.0.0.1' : '0.0.0.0');
  const mode = devAsked && isLoopbackHost(host) ? asked : 'production';
  const missing: string[] = [];
  if (mode === 'production') {
    if (!e.APP_SECRET) missing.push('APP_SECRET: required in production (16+ characters)');
    else if (e.APP_SECRET === DEV_SECRET)
      missing.push('APP_SECRET: the development value is public; give production its own (openssl rand -base64 48)');
    if (!e.PUBLIC_URL)
      missing.push('PUBLIC_URL: required in production (the https address subscribers open, used in links)');
  }
  for (const name of providerNames(e.PAYMENT_PROVIDERS)) {
    // Card providers PAYMENT_PROVIDERS may name; the test acquirer never in production.
    if (!(PROVIDER_NAMES as readonly string[]).includes(name))
      missing.push(`PAYMENT_PROVIDERS: unknown provider "${name}" (known: ${PROVIDER_NAMES.join(', ')})`);
    else if (name === 'test_acquirer' && mode === 'production')
      missing.push(
        'PAYMENT_PROVIDERS: test_acquirer is refused in production (its card page credits balances with no money moving)',
      );
  }
  if (e.DATABASE_REPLICA_URL && !e.DATABASE_URL) missing.push('DATABASE_REPLICA_URL: needs DATABASE_URL (the primary)');
  if (mode === 'production' && e.TBANK_TERMINAL_KEY?.endsWith('DEMO'))
    missing.push('TBANK_TERMINAL_KEY: a T-Bank test terminal (…DEMO) takes no real money: not in production');
  if (Boolean(e.RADIUS_API_TLS_CERT) !== Boolean(e.RADIUS_API_TLS_KEY))
    missing.push('RADIUS_API_TLS_CERT and RADIUS_API_TLS_KEY: set both (the certificate and its key) or neither');
  if (e.RADIUS_API_KEY && !isLoopbackHost(e.RADIUS_API_HOST) && !e.RADIUS_API_TLS_CERT && !e.RADIUS_API_ALLOW)
    missing.push(
      `RADIUS_API_HOST: ${e.RADIUS_API_HOST} is not a loopback address: the RADIUS API carries clear PPPoE passwords and NAS secrets, so it needs TLS (RADIUS_API_TLS_CERT, RADIUS_API_TLS_KEY) or RADIUS_API_ALLOW naming the FreeRADIUS hosts`,
    );
  if (e.ROLE === 'radius' && !e.RADIUS_API_KEY)
    missing.push('ROLE=radius: needs RADIUS_API_KEY (it serves only the RADIUS API)');
  if (e.SHUTDOWN_DRAIN_SECONDS >= e.SHUTDOWN_TIMEOUT_SECONDS)
    missing.push('SHUTDOWN_DRAIN_SECONDS: must be less than SHUTDOWN_TIMEOUT_SECONDS');
  if (e.TELEGRAM_BOT_TOKEN && !e.TELEGRAM_BOT_USERNAME)
    missing.push('TELEGRAM_BOT_USERNAME: required with TELEGRAM_BOT_TOKEN (the deep links name the bot)');
  if (e.NODE_ENV === 'production' && e.TELEGRAM_BOT_TOKEN && !e.TELEGRAM_WEBHOOK_SECRET)
    missing.push(
      'TELEGRAM_WEBHOOK_SECRET: required in production with TELEGRAM_BOT_TOKEN (the webhook is verified by it)',
    );
  const trust = parseTrustProxy(e.TRUST_PROXY);
  if ('bad' in trust)
    missing.push(
      `TRUST_PROXY: ${trust.bad.map((b) => JSON.stringify(b)).join(', ')} is not an address or CIDR. List the reverse ` +
        'proxies in front of the app (e.g. TRUST_PROXY=127.0.0.1,::1 or 10.0.0.0/8); `true` would believe ' +
        'X-Forwarded-For from any client, who could then pick the address rate limits and allow-lists see',
    );
  if (missing.length > 0) {
    // Say why this is production when nobody asked for it, so the fix is obvious.
    const why =
      mode !== 'production'
        ? []
        : devAsked
          ? [
              `(NODE_ENV=${asked} applies only on a loopback HOST — 127.0.0.1, ::1, localhost; HOST=${host} runs as production)`,
            ]
          : asked
            ? []
            : ['(NODE_ENV is unset, so this runs as production; `npm start` sets NODE_ENV=development for a demo)'];
    throw new Error(`Invalid configuration:\n  ${[...missing, ...why].join('\n  ')}`);
  }
  return {
    ...e,
    NODE_ENV: mode,
    // A RADIUS-only process runs no jobs (and sends no CoA: the processes that run jobs do).
    WORKER: e.ROLE === 'radius' ? false : e.WORKER,
    HOST: host,
    DEMO_SEED: e.DEMO_SEED ? e.DEMO_SEED === '1' : mode === 'development',
    dbKind: e.DATABASE_URL ? 'postgres' : 'pglite',
    // Development/test fallback only; production requires APP_SECRET (checked above).
    secret: e.APP_SECRET ?? DEV_SECRET,
    secrets: {
      current: e.APP_SECRET ?? DEV_SECRET,
      previous: (e.APP_SECRET_PREVIOUS ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    },
    publicUrl: (e.PUBLIC_URL ?? `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${e.PORT}`).replace(
      /\/+$/,
      '',
    ),
    trustProxy: 'bad' in trust ? false : trust.list,
    supportFilesDir:
      e.SUPPORT_FILES_DIR ??
      // Tests and e2e runs keep their uploads out of the working tree, one folder per process.
      (mode === 'test' ? join(tmpdir(), `abonent-support-${process.pid}`) : join(e.DATA_DIR, 'support-files')),
  };
}

/** An IPv4/IPv6 address, or one with a prefix length that fits it (`10.0.0.0/8`, `2001:db8::/32`). */
export function isAddressOrCidr(v: string): boolean {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(v);
  if (!m) return false;
  const family = isIP(m[1]!);
  if (family === 0) return false;
  return m[2] === undefined || Number(m[2]) <= (family === 4 ? 32 : 128);
}

/** Every provider name PAYMENT_PROVIDERS mentions (`a,b` or `msk=a;*=b,c`). */
function providerNames(spec: string | undefined): string[] {
  return (spec ?? '')
    .split(';')
    .flatMap((part) => (part.includes('=') ? part.slice(part.indexOf('=') + 1) : part).split(','))
    .map((x) => x.trim())
    .filter(Boolean);
}

function parseTrustProxy(v: string | undefined): { list: string[] | false } | { bad: string[] } {
  const items = (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (items.length === 0) return { list: false };
  const bad = items.filter((x) => !isAddressOrCidr(x));
  return bad.length > 0 ? { bad } : { list: items };
}
