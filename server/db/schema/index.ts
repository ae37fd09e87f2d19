// Every table of the system. One file per feature; add new ones here.
export * from './accounts.js';
export * from './agents.js';
export * from './audit.js';
export * from './auth.js';
export * from './billing.js';
export * from './catalog.js';
export * from './contracts.js';
export * from './events.js';
export * from './jobs.js';
export * from './ledger.js';
export * from './network.js';
export * from './notifications.js';
export * from './payments.js';
export * from './payments-methods.js';
export * from './receipts.js';
export * from './regions.js';
export * from './security.js';
