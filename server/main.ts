import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { installCrashHandlers } from './crash-handlers.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { listeningUrl, seedDemoIfAsked, startupBanner } from './first-start.js';
import { JobWorker } from './jobs/queue.js';
import { allJobs, periodicTasks } from './jobs/registry.js';
import { Scheduler } from './jobs/scheduler.js';

/** Reads config, opens the DB, migrates, seeds demo data on an empty DB, starts HTTP and the worker. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await runMigrations(database);
  await seedDemoIfAsked(database, config, console.log);

  const app = await buildApp({
    config,
    database,
    serveWeb: true,
    // Development: one readable line per event, written in order with the banner (a synchronous
    // stream); requests are at debug level there (LOG_LEVEL=debug shows them). Production: JSON lines.
    logger:
      config.NODE_ENV === 'development'
        ? {
            level: config.LOG_LEVEL,
            stream: (await import('pino-pretty')).default({
              singleLine: true,
              ignore: 'pid,hostname',
              translateTime: 'SYS:HH:MM:ss',
              sync: true,
            }),
          }
        : { level: config.LOG_LEVEL },
  });
  const deps = app.deps;
  const worker = new JobWorker(deps, allJobs, { log: (msg, extra) => app.log.warn(extra ?? {}, msg) });
  const scheduler = new Scheduler(database.db, periodicTasks, (msg, extra) => app.log.warn(extra ?? {}, msg));
  if (config.WORKER) {
    worker.start();
    scheduler.start();
    deps.notifier.sms?.start?.(); // stay bound to the SMSC for delivery receipts
  }

  await app.listen({ port: config.PORT, host: config.HOST });
  // The banner comes last, so the addresses and logins are what the terminal shows.
  const url = listeningUrl(config, app.server.address());
  for (const line of await startupBanner(database, config, url)) console.log(line);

  let closing = false;
  const shutdown = async (signal: string, exitCode = 0) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    try {
      scheduler.stop();
      await worker.stop();
      await app.close();
      await database.close();
    } finally {
      process.exit(exitCode);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  installCrashHandlers({ log: app.log, worker: config.WORKER ? worker : null, shutdown });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
