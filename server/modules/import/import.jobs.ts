import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { queryRows } from '../../db/client.js';
import { defineJob } from '../../jobs/queue.js';
import { openRunReader } from './create-import-run.js';
import { issueImportPasswords } from './issue-passwords.js';
import { parseMapping } from './mapping.js';
import { runImport } from './run-import.js';

/**
 * A back-office import run (docs/import.md): the same runImport as the CLI, on the job queue, so the
 * page can be closed and the progress is read from import_runs. A worker that dies mid-run leaves the
 * run to be taken over: the job is tried again after its lease, the run is started again, and what the
 * first attempt wrote is linked and skipped.
 */
export const importRunJob = defineJob({
  name: 'import.run',
  payload: z.object({ runId: z.number().int() }),
  maxAttempts: 3,
  leaseSeconds: 3600,
  async handler({ runId }, { db, deps, signal }) {
    const [run] = await queryRows<{ mapping: string | null; staff_id: number | null; state: string }>(
      db,
      sql`select mapping, staff_id, state from import_runs where id = ${runId}`,
    );
    if (!run || run.state === 'done') return;
    const reader = await openRunReader(db, runId, deps.config.secrets);
    await runImport(db, {
      runId,
      reader,
      mapping: run.mapping ? parseMapping(run.mapping) : null,
      secret: deps.config.secret,
      actor: { type: 'staff', id: run.staff_id },
      signal,
    });
  },
});

/** Cabinet passwords for imported subscribers, by SMS, e-mail or a PDF batch of letters. */
export const importPasswordsJob = defineJob({
  name: 'import.passwords',
  payload: z.object({ batchId: z.number().int() }),
  maxAttempts: 1,
  leaseSeconds: 3600,
  async handler({ batchId }, { db, deps, signal }) {
    const [b] = await queryRows<{ staff_id: number | null }>(
      db,
      sql`select staff_id from import_password_batches where id = ${batchId}`,
    );
    await issueImportPasswords(db, {
      batchId,
      portalUrl: deps.config.publicUrl,
      actor: { type: 'staff', id: b?.staff_id ?? null },
      signal,
    });
  },
});
