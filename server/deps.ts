import { ReadCaches } from './cache/read-caches.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { PaymentProvider, ProviderName } from './integrations/acquiring/provider.js';
import { TBankClient } from './integrations/acquiring/tbank-client.js';
import { TestAcquirer } from './integrations/acquiring/test-acquirer.js';
import { YooKassaClient } from './integrations/acquiring/yookassa-client.js';
import { AtolClient } from './integrations/atol/atol-client.js';
import { Lifecycle } from './lifecycle.js';
import { type AppMetrics, createAppMetrics } from './metrics/db-metrics.js';
import { MessengersRuntime } from './modules/messengers/messengers-runtime.js';
import { NetworkRuntime } from './modules/network/network-runtime.js';
import { type Notifier, notifierFromConfig } from './modules/notifications/notifier.js';
import { recordSmsReceipt } from './modules/notifications/record-sms-receipt.js';
import { paymentOptions } from './modules/payments/get-provider.js';
import { testAcquirerSecret } from './modules/payments/test-acquirer-secret.js';
import { version } from './version.js';

/** What every route plugin and job receives. Integrations are built from config unless injected. */
export interface AppDeps {
  config: Config;
  database: Database;
  version: string;
  notifier: Notifier;
  /** ATOL Online client for fiscal receipts; null when not configured. */
  atol: AtolClient | null;
  /**
   * Card and SBP acquirers by name: YooKassa and T-Bank when their credentials are set; the test
   * acquirer outside production only (in production it is never built, and its pages and webhook are not routed).
   */
  acquirers: Partial<Record<ProviderName, PaymentProvider>>;
  /** In-process read caches (sessions, overview); buildApp starts their invalidation. */
  caches: ReadCaches;
  /**
   * Ready / draining / stopped, the shutdown signal for long jobs, and shutdown hooks: code that keeps
   * something in memory registers `lifecycle.onShutdown(name, fn)` to flush it before the database closes.
   */
  lifecycle: Lifecycle;
  /** Prometheus metrics of this app (GET /metrics). */
  metrics: AppMetrics;
  /**
   * Network enforcement (docs/network.md): RADIUS answers from memory, batched post-auth and accounting
   * writers, CoA / Disconnect. Started by the network routes; `network.close()` flushes the writers
   * (the app's onClose calls it: graceful shutdown loses no accounting record).
   */
  network: NetworkRuntime;
  /**
   * Messenger bots and channels (docs/telegram.md): Telegram when TELEGRAM_BOT_TOKEN is set. Notices go
   * through `messengers.channels`; updates come in through the webhook route or long polling.
   */
  messengers: MessengersRuntime;
}

export function buildDeps(config: Config, database: Database, overrides: Partial<AppDeps> = {}): AppDeps {
  const atol =
    config.ATOL_API_URL && config.ATOL_LOGIN && config.ATOL_PASSWORD
      ? new AtolClient({ baseUrl: config.ATOL_API_URL, login: config.ATOL_LOGIN, password: config.ATOL_PASSWORD })
      : null;
  const acquirers: AppDeps['acquirers'] = {};
  if (config.NODE_ENV !== 'production')
    acquirers.test_acquirer = new TestAcquirer(database.db, config, testAcquirerSecret(config));
  if (config.YOOKASSA_SHOP_ID && config.YOOKASSA_SECRET_KEY) {
    acquirers.yookassa = new YooKassaClient({
      baseUrl: config.YOOKASSA_API_URL,
      shopId: config.YOOKASSA_SHOP_ID,
      secretKey: config.YOOKASSA_SECRET_KEY,
      refuseTestObjects: config.NODE_ENV === 'production',
    });
  }
  if (config.TBANK_TERMINAL_KEY && config.TBANK_PASSWORD) acquirers.tbank = tbankClient(config);
  const caches = new ReadCaches(
    { sessionSeconds: config.SESSION_CACHE_SECONDS, overviewSeconds: config.OVERVIEW_CACHE_SECONDS },
    database,
  );
  const network = overrides.network ?? new NetworkRuntime(config, database);
  const deps: AppDeps = {
    config,
    database,
    version,
    notifier: notifierFromConfig(config, {
      onSmsReceipt: async (r) => void (await recordSmsReceipt(database.db, r)),
    }),
    atol,
    acquirers,
    caches,
    lifecycle: overrides.lifecycle ?? new Lifecycle(),
    metrics: overrides.metrics ?? createAppMetrics(database, { processMetrics: config.NODE_ENV !== 'test' }),
    network,
    // The bot asks the payments module at each top-up which methods the account's region offers (read
    // through `deps`, so acquirers a test replaces are the ones asked).
    messengers:
      overrides.messengers ??
      new MessengersRuntime(config, database, (accountId) => paymentOptions(database.db, deps, accountId)),
    ...overrides,
  };
  return deps;
}

/** T-Bank's client as the app configures it; a test may shorten its timeout (15 s by default). */
export function tbankClient(config: Config, timeoutMs?: number): TBankClient {
  const { TBANK_TERMINAL_KEY: terminalKey, TBANK_PASSWORD: password } = config;
  if (!terminalKey || !password) throw new Error('T-Bank is not configured (TBANK_TERMINAL_KEY, TBANK_PASSWORD)');
  return new TBankClient({
    baseUrl: config.TBANK_API_URL,
    terminalKey,
    password,
    notificationUrl: () => `${config.publicUrl}/api/payments/webhooks/tbank`,
    timeoutMs,
  });
}
