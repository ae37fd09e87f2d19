import { EventEmitter } from 'node:events';

import { describe, expect, it, vi } from 'vitest';

import { installCrashHandlers } from './crash-handlers.js';

function harness() {
  const proc = new EventEmitter();
  const logged: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const log = {
    error: (obj: object, msg: string) => logged.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
    fatal: (obj: object, msg: string) => logged.push({ level: 'fatal', obj: obj as Record<string, unknown>, msg }),
  };
  const running = [{ id: 42, name: 'notifications.deliver', attempt: 2, startedAt: '2026-11-25T10:00:00.000Z' }];
  const worker = { runningJobs: () => running, recordCrash: vi.fn(async () => {}) };
  const shutdown = vi.fn(async () => {});
  const forceExit = vi.fn();
  installCrashHandlers({ log, worker, shutdown, forceExit, graceMs: 50 }, proc);
  return { proc, logged, worker, shutdown, forceExit };
}

describe('crash handlers', () => {
  it('an unhandled rejection is logged with the running jobs and the process keeps running', () => {
    const h = harness();
    h.proc.emit('unhandledRejection', new Error('socket hang up'));
    expect(h.logged).toEqual([
      {
        level: 'error',
        obj: { err: new Error('socket hang up'), runningJobs: [expect.objectContaining({ id: 42 })] },
        msg: 'unhandled promise rejection (the process keeps running)',
      },
    ]);
    expect(h.shutdown).not.toHaveBeenCalled();
  });

  it('an uncaught exception is logged with context, kept on the running jobs, and stops the process with code 1', async () => {
    const h = harness();
    const err = new RangeError('The value of "value" is out of range.');
    h.proc.emit('uncaughtException', err, 'uncaughtException');
    h.proc.emit('uncaughtException', err, 'uncaughtException'); // a second one while stopping: logged only
    await vi.waitFor(() => expect(h.shutdown).toHaveBeenCalledTimes(1));
    expect(h.shutdown).toHaveBeenCalledWith('uncaughtException', 1);
    expect(h.worker.recordCrash).toHaveBeenCalledWith(err);
    expect(h.logged[0]).toMatchObject({
      level: 'fatal',
      obj: { err, origin: 'uncaughtException', runningJobs: [{ id: 42, name: 'notifications.deliver' }] },
    });
    // A graceful stop that hangs is cut short.
    await vi.waitFor(() => expect(h.forceExit).toHaveBeenCalledWith(1));
  });
});
