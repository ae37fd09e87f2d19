import { ReadCaches } from './cache/read-caches.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { PaymentProvider, ProviderName } from './integrations/acquiring/provider.js';
import { TestAcquirer } from './integrations/acquiring/test-acquirer.js';
import { YooKassaClient } from './integrations/acquiring/yookassa-client.js';
import { AtolClient } from './integrations/atol/atol-client.js';
import { type Notifier, notifierFromConfig } from './modules/notifications/notifier.js';
import { recordSmsReceipt } from './modules/notifications/record-sms-receipt.js';
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
  /** Card acquirers by name (the test acquirer always; YooKassa when its credentials are set). */
  acquirers: Partial<Record<ProviderName, PaymentProvider>>;
  /** In-process read caches (sessions, overview); buildApp starts their invalidation. */
  caches: ReadCaches;
}

export function buildDeps(config: Config, database: Database, overrides: Partial<AppDeps> = {}): AppDeps {
  const atol =
    config.ATOL_API_URL && config.ATOL_LOGIN && config.ATOL_PASSWORD
      ? new AtolClient({ baseUrl: config.ATOL_API_URL, login: config.ATOL_LOGIN, password: config.ATOL_PASSWORD })
      : null;
  const acquirers: AppDeps['acquirers'] = {
    test_acquirer: new TestAcquirer(database.db, config, testAcquirerSecret(config)),
  };
  if (config.YOOKASSA_SHOP_ID && config.YOOKASSA_SECRET_KEY) {
    acquirers.yookassa = new YooKassaClient({
      baseUrl: config.YOOKASSA_API_URL,
      shopId: config.YOOKASSA_SHOP_ID,
      secretKey: config.YOOKASSA_SECRET_KEY,
    });
  }
  const caches = new ReadCaches({
    sessionSeconds: config.SESSION_CACHE_SECONDS,
    overviewSeconds: config.OVERVIEW_CACHE_SECONDS,
  });
  const notifier = notifierFromConfig(config, {
    onSmsReceipt: async (r) => void (await recordSmsReceipt(database.db, r)),
  });
  return { config, database, version, notifier, atol, acquirers, caches, ...overrides };
}
