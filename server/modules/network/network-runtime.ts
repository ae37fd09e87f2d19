import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';

import type { Config } from '../../config.js';
import { type Database, queryRows } from '../../db/client.js';
import { CoaClient, type CoaSender } from '../../integrations/radius/coa-client.js';
import type { AuthorizeContext } from './authorize-access.js';
import { BatchWriter } from './batch-writer.js';
import { claimNetworkEvents } from './claim-network-events.js';
import { ClearPasswords } from './clear-passwords.js';
import { NETWORK_CHANNEL, NetworkDirectory } from './directory.js';
import { RadiusApi } from './radius-api.js';
import { sendCoaJobs } from './send-coa.js';
import { Spool } from './spool.js';
import type { NetworkNames } from './vendor-attributes.js';
import { type AcctRecord, type AuthRecord, writeAcctRecords, writeAuthRecords } from './write-radius-records.js';

export interface NetworkRuntimeOptions {
  /** Where CoA / Disconnect-Requests go (tests pass a sender to a local NAS). */
  coa?: CoaSender;
  log?: (msg: string, extra?: object) => void;
}

/**
 * The network side of one app process (docs/network.md): the in-memory directory that answers
 * FreeRADIUS, the batch writers of post-auth and accounting records with their spools, and the
 * dispatcher that turns account events into CoA / Disconnect-Requests as soon as they are notified.
 * The RADIUS parts run only when RADIUS_API_KEY is set; the dispatcher wherever jobs run (WORKER).
 */
export class NetworkRuntime {
  readonly enabled: boolean;
  readonly names: NetworkNames;
  readonly coa: CoaSender;
  readonly directory: NetworkDirectory | null = null;
  readonly authWriter: BatchWriter<AuthRecord> | null = null;
  readonly acctWriter: BatchWriter<AcctRecord> | null = null;
  readonly context: AuthorizeContext | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  private dispatchTimer: NodeJS.Timeout | null = null;
  private dispatching: Promise<void> | null = null;
  private dispatchAgain = false;
  private started = false;
  private closed = false;
  private log: (msg: string, extra?: object) => void;
  private logger: FastifyBaseLogger | undefined;
  private apiInstance: RadiusApi | null = null;
  private passwords: ClearPasswords | null = null;

  constructor(
    private readonly config: Config,
    private readonly database: Database,
    private readonly opts: NetworkRuntimeOptions = {},
  ) {
    this.enabled = Boolean(config.RADIUS_API_KEY);
    this.names = {
      debtorPool: config.RADIUS_DEBTOR_POOL,
      debtorAddressList: config.RADIUS_DEBTOR_ADDRESS_LIST,
      activeAddressList: config.RADIUS_ACTIVE_ADDRESS_LIST,
    };
    this.coa = opts.coa ?? new CoaClient({ timeoutMs: config.RADIUS_COA_TIMEOUT_MS, tries: config.RADIUS_COA_TRIES });
    this.log = opts.log ?? (() => {});
    if (!this.enabled) return;
    const log = (msg: string, extra?: object) => this.log(msg, extra);
    const passwords = new ClearPasswords(config.secrets);
    this.passwords = passwords;
    this.directory = new NetworkDirectory(database, {
      reloadSeconds: config.RADIUS_RELOAD_SECONDS,
      log,
      onLoaded: (entries) => passwords.loaded(entries),
    });
    const spoolDir = join(config.DATA_DIR, 'radius-spool');
    const db = database.db;
    this.authWriter = new BatchWriter<AuthRecord>({
      name: 'radius post-auth',
      spool: new Spool<AuthRecord>(spoolDir, 'post-auth'),
      write: (r, replay) => writeAuthRecords(db, r, replay),
      // Post-auth lines are logged without holding the answer: gather ~20 ms of them per statement.
      lingerMs: 20,
      log,
    });
    this.acctWriter = new BatchWriter<AcctRecord>({
      name: 'radius accounting',
      spool: new Spool<AcctRecord>(spoolDir, 'accounting'),
      write: (r) => writeAcctRecords(db, r),
      log,
    });
    this.context = {
      directory: this.directory,
      names: this.names,
      passwords,
      interimSeconds: config.RADIUS_INTERIM_SECONDS,
      offlineAuth: config.RADIUS_OFFLINE_AUTH,
    };
  }

  /** Where warnings go: the app's logger, once there is one. */
  setLogger(logger: FastifyBaseLogger): void {
    this.logger = logger;
    if (!this.opts.log) this.log = (msg, extra) => logger.warn(extra ?? {}, msg);
  }

  /** The rlm_rest API (built on first use; tests inject into it). Null when RADIUS is off. */
  api(): RadiusApi | null {
    if (!this.enabled) return null;
    this.apiInstance ??= new RadiusApi(this, this.config, this.logger);
    return this.apiInstance;
  }

  /** Starts the rlm_rest API on RADIUS_API_HOST:RADIUS_API_PORT (main.ts); returns its address. */
  async listen(): Promise<string | null> {
    const api = this.api();
    if (!api) return null;
    return api.listen({ host: this.config.RADIUS_API_HOST, port: this.config.RADIUS_API_PORT });
  }

  /** Follows network changes; with `dispatch`, sends CoA / Disconnect for them as they come. */
  async start(opts: { dispatch: boolean }): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (!this.enabled && !opts.dispatch) return;
    this.stopListening = await this.database.listen(NETWORK_CHANNEL, {
      onNotify: (payload) => {
        this.directory?.notify(payload);
        if (opts.dispatch && payload.startsWith('a:')) this.kick();
      },
      onListening: (on) => {
        this.directory?.listening(on);
        if (on && opts.dispatch) this.kick();
      },
    });
    if (this.directory) {
      await this.directory.start();
      this.authWriter!.start();
      this.acctWriter!.start();
    }
  }

  /**
   * The shutdown hook: writes every queued post-auth and accounting record (to the database, or to the
   * spool if it is down) and stops following changes. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.dispatchTimer) clearTimeout(this.dispatchTimer);
    // Stop taking requests first, so every record accepted before is in the writers' queues.
    await this.apiInstance?.close();
    await this.stopListening?.();
    await this.directory?.close();
    this.passwords?.close();
    await Promise.all([this.authWriter?.close(), this.acctWriter?.close()]);
    await this.dispatching?.catch(() => {});
  }

  /** Soon (debounced by 10 ms): claim pending network events and send their requests. */
  kick(): void {
    if (this.closed) return;
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    if (this.dispatchTimer) return;
    this.dispatchTimer = setTimeout(() => {
      this.dispatchTimer = null;
      this.dispatching = this.dispatchNow()
        .catch((e: unknown) => this.log('network dispatch failed', { err: String(e) }))
        .then(() => undefined)
        .finally(() => {
          this.dispatching = null;
          if (this.dispatchAgain) {
            this.dispatchAgain = false;
            this.kick();
          }
        });
    }, 10);
  }

  /** Claims and sends until no network event is pending; returns how many events were handled. */
  async dispatchNow(): Promise<number> {
    const db = this.database.db;
    // With no NAS there is nowhere to send; the events wait (their state is sent once a NAS exists).
    const [has] = await queryRows<{ ok: boolean }>(db, sql`select exists(select 1 from nas where active) as ok`);
    if (!has?.ok) return 0;
    let handled = 0;
    for (;;) {
      const { events, jobs } = await claimNetworkEvents(db, {
        names: this.names,
        interimSeconds: this.config.RADIUS_INTERIM_SECONDS,
      });
      handled += events;
      await sendCoaJobs(db, this.coa, this.config.secrets, jobs);
      if (events === 0) return handled;
    }
  }
}
