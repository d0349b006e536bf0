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

export interface Scheduler {
  bree: Bree;
  stop(): Promise<void>;
}

export async function startScheduler(log: Logger): Promise<Scheduler> {
  const bree = new Bree(breeOptions(log));
  await bree.start();
  log.info({ jobs: JOB_SCHEDULES.map((j) => j.name) }, 'scheduler started');
  return { bree, stop: () => bree.stop() };
}
