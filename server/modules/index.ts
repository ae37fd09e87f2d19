import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../deps.js';
import { accountsRoutes } from './accounts/accounts.routes.js';
import { agentsRoutes } from './agents/agents.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { accountSecurityRoutes } from './auth/account-security.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { billingRoutes } from './billing/billing.routes.js';
import { bulkRoutes } from './bulk/bulk.routes.js';
import { cabinetRoutes } from './cabinet/cabinet.routes.js';
import { catalogRoutes } from './catalog/catalog.routes.js';
import { contractsRoutes } from './contracts/contracts.routes.js';
import { financeRoutes } from './finance/finance.routes.js';
import { healthRoutes } from './health/health.routes.js';
import { importRoutes } from './import/import.routes.js';
import { jobsRoutes } from './jobs/jobs.routes.js';
import { messengersRoutes } from './messengers/messengers.routes.js';
import { mobileRoutes } from './mobile/mobile.routes.js';
import { networkRoutes } from './network/network.routes.js';
import { notificationsRoutes } from './notifications/notifications.routes.js';
import { outagesRoutes } from './outages/outages.routes.js';
import { paymentsRoutes } from './payments/payments.routes.js';
import { privacyRoutes } from './privacy/privacy.routes.js';
import { profileRoutes } from './profile/profile.routes.js';
import { promotionsRoutes } from './promotions/promotions.routes.js';
import { receiptsRoutes } from './receipts/receipts.routes.js';
import { reconciliationRoutes } from './reconciliation/reconciliation.routes.js';
import { recoveryRoutes } from './recovery/recovery.routes.js';
import { reportsRoutes } from './reports/reports.routes.js';
import { servicesRoutes } from './services/services.routes.js';
import { staffRoutes } from './staff/staff.routes.js';
import { staffSecurityRoutes } from './staff/staff-security.routes.js';
import { supportRoutes } from './support/support.routes.js';
import { suspensionRoutes } from './suspension/suspension.routes.js';
import { tagsRoutes } from './tags/tags.routes.js';
import { terminationRoutes } from './termination/termination.routes.js';

/** Every module's routes, registered by buildApp in this order. Add a module's routes here. */
export const moduleRoutes: FastifyPluginAsyncZod<AppDeps>[] = [
  healthRoutes,
  authRoutes,
  accountSecurityRoutes,
  billingRoutes,
  catalogRoutes,
  accountsRoutes,
  contractsRoutes,
  cabinetRoutes,
  notificationsRoutes,
  recoveryRoutes,
  profileRoutes,
  auditRoutes,
  staffRoutes,
  staffSecurityRoutes,
  agentsRoutes,
  financeRoutes,
  reportsRoutes,
  reconciliationRoutes,
  privacyRoutes,
  receiptsRoutes,
  paymentsRoutes,
  jobsRoutes,
  supportRoutes,
  networkRoutes,
  servicesRoutes,
  suspensionRoutes,
  terminationRoutes,
  mobileRoutes,
  promotionsRoutes,
  importRoutes,
  tagsRoutes,
  bulkRoutes,
  outagesRoutes,
  messengersRoutes,
];
