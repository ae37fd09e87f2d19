import { createServer } from 'node:http';

import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { installCrashHandlers } from './crash-handlers.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { listeningUrl, seedDemoIfAsked, startupBanner } from './first-start.js';
import { JobWorker } from './jobs/queue.js';
import { allJobs, periodicTasks } from './jobs/registry.js';
import { Scheduler } from './jobs/scheduler.js';
import type { AppMetrics } from './metrics/db-metrics.js';
import { ensureInstallation } from './modules/installation/installation.js';
import { gracefulShutdown } from './shutdown.js';

/**
 * Reads config, opens the DB, migrates, seeds demo data on an empty DB, starts HTTP and the worker. With
 * ROLE=radius only the RADIUS API listens (no web port, no jobs): docs/scale.md, "Process roles".
 */
async function main() {
  const config = loadConfig();
  const radiusOnly = config.ROLE === 'radius';
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    replicaUrl: config.DATABASE_REPLICA_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    dataDir: config.DATA_DIR,
  });
  await runMigrations(database);
  // A restored copy or a promoted replica gets its own installation id before it sends any key out.
  await ensureInstallation(database.db, (msg, extra) => console.warn(msg, extra));
  if (!radiusOnly) await seedDemoIfAsked(database, config, console.log);

  const app = await buildApp({
    config,
    database,
    serveWeb: !radiusOnly,
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
  const log = (msg: string, extra?: object) => app.log.warn(extra ?? {}, msg);
  const worker = new JobWorker(deps, allJobs, { log });
  const scheduler = new Scheduler(database.db, periodicTasks, log);
  if (config.WORKER) {
    worker.start();
    scheduler.start();
    deps.notifier.sms?.start?.(); // stay bound to the SMSC for delivery receipts
  }

  if (!radiusOnly) await app.listen({ port: config.PORT, host: config.HOST });
  const metricsServer = config.METRICS_PORT
    ? await listenMetrics(deps.metrics, config.METRICS_PORT, config.METRICS_HOST)
    : null;
  // FreeRADIUS's rlm_rest API, on its own port (docs/network.md); only when RADIUS_API_KEY is set.
  const radiusApi = await deps.network.listen();
  // Telegram updates (docs/telegram.md): the webhook is set, or long polling starts, by the worker process.
  if (config.WORKER)
    await deps.messengers
      .start()
      .catch((e: unknown) => app.log.error({ err: String(e) }, 'telegram: could not start the bot'));
  if (radiusApi) app.log.info(`RADIUS API (rlm_rest) at ${radiusApi}`);
  // The banner comes last, so the addresses and logins are what the terminal shows.
  if (radiusOnly) console.log(`Abonent ${app.deps.version}: RADIUS API only (ROLE=radius) at ${radiusApi}`);
  else {
    const url = listeningUrl(config, app.server.address());
    for (const line of await startupBanner(database, config, url)) console.log(line);
  }
  if (metricsServer) console.log(`Metrics: http://${config.METRICS_HOST}:${config.METRICS_PORT}/metrics`);

  let closing = false;
  const shutdown = async (signal: string, exitCode = 0) => {
    if (closing) return;
    closing = true;
    const timeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
    // Ctrl-C in a terminal has no load balancer to wait for.
    const drainMs = signal === 'SIGTERM' ? config.SHUTDOWN_DRAIN_SECONDS * 1000 : 0;
    app.log.info({ signal, timeoutMs, drainMs }, 'shutting down');
    // The hard stop: whatever still hangs after the deadline (and a moment to log) ends with the process.
    setTimeout(() => {
      app.log.error('shutdown deadline passed: exiting');
      process.exit(1);
    }, timeoutMs + 2000).unref();
    const clean = await gracefulShutdown(
      { app, database, worker, scheduler, extraServers: metricsServer ? [metricsServer] : [], log },
      { timeoutMs, drainMs },
    );
    process.exit(clean ? exitCode : 1);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  installCrashHandlers({ log: app.log, worker: config.WORKER ? worker : null, shutdown });
}

/** METRICS_PORT: /metrics on its own listener (an internal address), without a token. */
async function listenMetrics(metrics: AppMetrics, port: number, host: string) {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.render().then(
      (m) => res.writeHead(200, { 'content-type': m.contentType, 'cache-control': 'no-store' }).end(m.body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
