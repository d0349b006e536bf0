/**
 * Every scheduled job, declared in one place. Bree only ticks: which digest or nudge is due is
 * decided by the domain in each subscription's or member's own time zone (schedule.ts), and the
 * run ledger makes each post once, so a tick may come late, twice, or from several replicas.
 */
import { digestsJob } from './digests.job.js';
import { nudgesJob } from './nudges.job.js';
import { pruneLedgerJob } from './prune-ledger.job.js';
import type { Job } from './runtime.js';

export interface JobSchedule {
  name: string;
  /** What it does, for logs and docs. */
  summary: string;
  /** The one domain call the job makes. */
  run: Job;
  /** A Bree interval (`1m`), or a cron expression in UTC. */
  every?: string;
  cron?: string;
}

export const JOB_SCHEDULES: readonly JobSchedule[] = [
  { name: 'digests', summary: 'post the channel digests due now', run: digestsJob, every: '1m' },
  { name: 'nudges', summary: 'send the morning DM nudges due now', run: nudgesJob, every: '1m' },
  { name: 'prune-ledger', summary: 'delete run-ledger rows older than 35 days', run: pruneLedgerJob, cron: '17 3 * * *' },
];

export function jobNamed(name: string | undefined): JobSchedule | undefined {
  return JOB_SCHEDULES.find((j) => j.name === name);
}
