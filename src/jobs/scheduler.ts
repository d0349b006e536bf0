/**
 * The Bree scheduler: one worker thread per job run, at the intervals declared in schedules.ts.
 * Started by `npm start` (unless --no-jobs or CRM_SCHEDULER=off) and by `npm run jobs` on its own.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Bree from 'bree';
import type { Logger } from '../log.js';
import { JOB_RESOURCE_LIMITS } from './limits.js';
import { JOB_SCHEDULES } from './schedules.js';

export const WORKER_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.mjs');


/** Bree's configuration: every job from schedules.ts, each run in a worker through worker.mjs. */
export function breeOptions(log: Logger, overrides: { worker?: { env?: NodeJS.ProcessEnv } } = {}): ConstructorParameters<typeof Bree>[0] {
  return {
    root: false,
    doRootCheck: false,
    acceptedExtensions: ['.mjs'],
    // Cron schedules (the ledger prune) are read in UTC; deliveries are timed by the domain.
    timezone: 'UTC',
    // Bree says "online", "done", "exited" for every run: that is debug detail here.
    logger: {
      info: (msg: unknown) => log.debug({ bree: String(msg) }),
      warn: (msg: unknown) => log.warn({ bree: String(msg) }),
      error: (msg: unknown, meta?: unknown) => log.error({ bree: String(msg), meta }),
    },
    errorHandler: (err: unknown, meta: unknown) => log.error({ err, meta }, 'scheduled job failed'),
    worker: { resourceLimits: { ...JOB_RESOURCE_LIMITS }, ...overrides.worker },
    jobs: JOB_SCHEDULES.map((j) =>
      j.cron
        ? { name: j.name, path: WORKER_ENTRY, cron: j.cron, timeout: false as const }
        : // timeout 0: a first run at start (catching up on what is due), then every interval.
          { name: j.name, path: WORKER_ENTRY, interval: j.every ?? '1m', timeout: 0 },
    ),
  };
}

/**
 * At stop, how long a job that is running may take to finish before its worker is terminated.
 * A terminated run loses nothing: its open transaction rolls back, and what it held in the
 * delivery ledger is taken over by the next run once the lease (CRM_DELIVERY_LEASE_SECONDS) ends.
 */
export const SCHEDULER_STOP_GRACE_MS = 3_000;

export interface Scheduler {
  bree: Bree;
  /** Stops the timers, lets running jobs finish for up to `graceMs`, then terminates their workers. */
  stop(graceMs?: number): Promise<void>;
}

export async function startScheduler(log: Logger): Promise<Scheduler> {
  const bree = new Bree(breeOptions(log));
  await bree.start();
  log.info({ jobs: JOB_SCHEDULES.map((j) => j.name) }, 'scheduler started');
  return { bree, stop: (graceMs = SCHEDULER_STOP_GRACE_MS) => stopBree(bree, log, graceMs) };
}

/**
 * Bree's own stop() asks each worker to cancel and then waits for it without limit: our workers
 * run a job to its end, which can take minutes when Slack is slow or rate-limits. So: wait a
 * grace period, then terminate whatever still runs.
 */
async function stopBree(bree: Bree, log: Logger, graceMs: number): Promise<void> {
  const stopped = bree.stop();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace over'>((resolve) => {
    timer = setTimeout(() => resolve('grace over'), graceMs);
  });
  const outcome = await Promise.race([stopped, graceOver]);
  clearTimeout(timer);
  if (outcome !== 'grace over') return;
  const running = [...bree.workers.entries()];
  log.warn({ jobs: running.map(([name]) => name), graceMs }, 'jobs still running at stop: terminating their workers');
  // A terminated worker exits with code 1, which Bree reports as a failed job: here it is expected.
  bree.config.errorHandler = (err: unknown, meta: unknown) => log.debug({ err, meta }, 'job worker terminated at stop');
  await Promise.all(running.map(([, worker]) => worker.terminate()));
  await stopped;
}
