// Every table of the system. One file per feature; add new ones here.
export * from './regions.js';
export * from './catalog.js';
export * from './accounts.js';
export * from './ledger.js';
export * from './billing.js';
export * from './jobs.js';
export * from './audit.js';
export * from './auth.js';
export * from './payments.js';
export * from './events.js';
export * from './security.js';
export * from './contracts.js';
export * from './notifications.js';
export * from './agents.js';
export * from './receipts.js';
export * from './payments-methods.js';
