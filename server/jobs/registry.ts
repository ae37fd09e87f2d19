import { pruneRateLimitsTask } from '../modules/auth/prune-rate-limits.js';
import { bulkRunJob } from '../modules/bulk/bulk.job.js';
import { purgeContractPdfs } from '../modules/contracts/get-contract-pdf.js';
import { cardRefundsJob, cardRefundsTask } from '../modules/finance/finance.jobs.js';
import { importPasswordsJob, importRunJob } from '../modules/import/import.jobs.js';
import { purgeImportFiles } from '../modules/import/list-import-runs.js';
import { ledgerMaintainJob, ledgerMaintainTask } from '../modules/ledger/ledger.jobs.js';
import { pruneMessengerData } from '../modules/messengers/take-update.js';
import {
  coaRetryJob,
  coaRetryTask,
  ipv6AssignJob,
  ipv6AssignTask,
  networkCleanupJob,
  networkCleanupTask,
  networkDispatchJob,
  networkDispatchTask,
  speedWindowsJob,
  speedWindowsTask,
} from '../modules/network/network.jobs.js';
import { deliverJob } from '../modules/notifications/deliver.job.js';
import { accountEventsTask } from '../modules/notifications/notify-account-events.js';
import {
  autopayJob,
  autopayTask,
  expirePromisedJob,
  reconcilePaymentsJob,
  reconcilePaymentsTask,
  testAcquirerNotifyJob,
} from '../modules/payments/payments.jobs.js';
import { anonymizeJob, anonymizeTask } from '../modules/privacy/privacy.jobs.js';
import { registerReceiptJob } from '../modules/receipts/register-receipt.job.js';
import { reportRollupsJob, reportRollupsTask } from '../modules/reports/reports.jobs.js';
import { purgeUploadsJob, purgeUploadsTask } from '../modules/support/support.jobs.js';
import { billingRunJob, billingScheduler } from './billing.job.js';
import type { JobDefinition } from './queue.js';
import type { PeriodicTask } from './scheduler.js';

/** Every job the worker can run and every periodic task. Modules add theirs here. */
export const allJobs: JobDefinition[] = [
  billingRunJob,
  deliverJob,
  registerReceiptJob,
  testAcquirerNotifyJob,
  reconcilePaymentsJob,
  autopayJob,
  expirePromisedJob,
  cardRefundsJob,
  ledgerMaintainJob,
  purgeUploadsJob,
  networkDispatchJob,
  coaRetryJob,
  networkCleanupJob,
  speedWindowsJob,
  ipv6AssignJob,
  importRunJob,
  importPasswordsJob,
  bulkRunJob,
  reportRollupsJob,
  anonymizeJob,
];
export const periodicTasks: PeriodicTask[] = [
  billingScheduler,
  accountEventsTask,
  reconcilePaymentsTask,
  autopayTask,
  cardRefundsTask,
  ledgerMaintainTask,
  purgeUploadsTask,
  networkDispatchTask,
  coaRetryTask,
  networkCleanupTask,
  speedWindowsTask,
  ipv6AssignTask,
  reportRollupsTask,
  anonymizeTask,
  { name: 'contracts.purge-pdfs', everySeconds: 3600, tick: (db) => purgeContractPdfs(db) },
  pruneRateLimitsTask,
  { name: 'import.purge-files', everySeconds: 3600, tick: (db) => purgeImportFiles(db) },
  { name: 'messengers.prune', everySeconds: 3600, tick: (db) => pruneMessengerData(db) },
];
