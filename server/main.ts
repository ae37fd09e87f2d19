import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { isEmptyDatabase, runMigrations } from './db/migrate.js';
import { JobWorker } from './jobs/queue.js';
import { allJobs, periodicTasks } from './jobs/registry.js';
import { Scheduler } from './jobs/scheduler.js';
import { printDemoLogins, seedDemo } from './modules/demo/seed-demo.js';
import { version } from './version.js';

/** Reads config, opens the DB, migrates, seeds demo data on an empty DB, starts HTTP and the worker. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await runMigrations(database);
  let demo: Awaited<ReturnType<typeof seedDemo>> | null = null;
  if (config.DEMO_SEED && (await isEmptyDatabase(database)))
    demo = await seedDemo(database.db, { log: console.log, appSecret: config.secret });

  const app = await buildApp({
    config,
    database,
    serveWeb: true,
    logger: {
      level: config.LOG_LEVEL,
      transport:
        config.NODE_ENV === 'development' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    },
  });
  const deps = app.deps;
  const worker = new JobWorker(deps, allJobs, { log: (msg, extra) => app.log.warn(extra ?? {}, msg) });
  const scheduler = new Scheduler(database.db, periodicTasks, (msg, extra) => app.log.warn(extra ?? {}, msg));
  if (config.WORKER) {
    worker.start();
    scheduler.start();
  }

  await app.listen({ port: config.PORT, host: config.HOST });
  // FreeRADIUS's rlm_rest API, on its own port (docs/network.md); only when RADIUS_API_KEY is set.
  const radiusApi = await deps.network.listen();
  if (radiusApi) app.log.info(`RADIUS API (rlm_rest) at ${radiusApi}`);
  const url = config.publicUrl;
  console.log(`\nAbonent ${version} is running at ${url}  (database: ${database.kind})`);
  console.log(`API docs: ${url}/api/docs`);
  if (demo) printDemoLogins(demo, console.log);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    scheduler.stop();
    await worker.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
