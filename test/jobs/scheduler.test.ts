/**
 * The Bree side, without timing: the configuration declares every job, each job entry makes one
 * domain call, and a job really runs in a worker thread (TypeScript loaded through worker.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Bree from 'bree';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digestsJob } from '../../src/jobs/digests.job.js';
import { nudgesJob } from '../../src/jobs/nudges.job.js';
import { pruneLedgerJob } from '../../src/jobs/prune-ledger.job.js';
import type { JobRuntime } from '../../src/jobs/runtime.js';
import { breeOptions, WORKER_ENTRY } from '../../src/jobs/scheduler.js';
import { JOB_SCHEDULES } from '../../src/jobs/schedules.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace } from '../helpers/fixtures.js';

/** Bree 9's `init` (validation and job building) is missing from its type declarations. */
const init = (bree: Bree) => (bree as unknown as { init(): Promise<void> }).init();

/** Runs one job once in a Bree worker thread on the test database; the errors it reported. */
async function runInWorker(options: typeof breeOptions, job: string): Promise<unknown[]> {
  const errors: unknown[] = [];
  const bree = new Bree({
    ...options(silentLogger, { worker: { env: { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'silent' } } }),
    errorHandler: (err: unknown) => errors.push(err),
  });
  await init(bree);
  const finished = new Promise<void>((resolve) => bree.once('worker deleted', () => resolve()));
  await bree.run(job);
  await finished;
  return errors;
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.cleanup());

describe('the Bree configuration', () => {
  it('declares every job in one place, each run by the worker entry', async () => {
    expect(JOB_SCHEDULES.map((j) => j.name)).toEqual(['digests', 'nudges', 'prune-ledger']);
    expect(existsSync(WORKER_ENTRY)).toBe(true);
    const bree = new Bree(breeOptions(silentLogger));
    await init(bree); // validates every job: paths, intervals, cron
    const jobs = bree.config.jobs as unknown as { name: string; path: string; interval: unknown; cron?: string }[];
    expect(jobs.map((j) => [j.name, j.path])).toEqual([
      ['digests', WORKER_ENTRY],
      ['nudges', WORKER_ENTRY],
      ['prune-ledger', WORKER_ENTRY],
    ]);
    expect(jobs[0]!.interval).toBe(60_000);
    expect(jobs[1]!.interval).toBe(60_000);
    expect(jobs[2]!.cron).toBe('17 3 * * *');
  });
});

describe('job entries', () => {
  it('each makes one domain call', async () => {
    const runner = {
      runDigests: vi.fn(async () => ({ due: 0 })),
      runNudges: vi.fn(async () => ({ due: 0 })),
      pruneLedger: vi.fn(async () => 0),
    };
    const rt = { runner, crm: t.crm, log: silentLogger } as unknown as JobRuntime;
    await digestsJob(rt);
    expect(runner.runDigests).toHaveBeenCalledTimes(1);
    await nudgesJob(rt);
    expect(runner.runNudges).toHaveBeenCalledTimes(1);
    await pruneLedgerJob(rt);
    expect(runner.pruneLedger).toHaveBeenCalledWith(35);
    expect(runner.runDigests).toHaveBeenCalledTimes(1);
  });

  it('run in a Bree worker thread, on the configured database', async () => {
    const w = await seedWorkspace(t.crm);
    const old = new Date(Date.now() - 60 * 24 * 3600_000);
    const row = { workspaceId: w.workspaceId, kind: 'digest', status: 'sent', claimToken: 'x', claimedAt: old, createdAt: old };
    await t.handle.db.deliveryLedger.createMany({
      data: [
        { ...row, subject: 'old', localDate: '2026-09-01' },
        { ...row, subject: 'recent', localDate: '2026-11-23', createdAt: new Date() },
      ],
    });
    expect(await runInWorker(breeOptions, 'prune-ledger')).toEqual([]);
    const left = await t.handle.db.deliveryLedger.findMany({ where: { workspaceId: w.workspaceId } });
    expect(left.map((r) => r.subject)).toEqual(['recent']);
  }, 60_000);

  it('run from the build as well (`npm run build`; plain JavaScript, as `npm start` and `npm run jobs` run)', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
    expect(built.status, built.stdout + built.stderr).toBe(0);
    const dist: typeof import('../../src/jobs/scheduler.js') = await import(pathToFileURL(path.join(root, 'dist/jobs/scheduler.js')).href);
    expect(dist.WORKER_ENTRY).toBe(path.join(root, 'dist/jobs/worker.mjs'));
    expect(existsSync(path.join(root, 'dist/jobs/worker.ts'))).toBe(false); // so the entry loads worker.js, without tsx

    const w = await seedWorkspace(t.crm, 'T-BUILT', 'Built');
    const old = new Date(Date.now() - 60 * 24 * 3600_000);
    await t.handle.db.deliveryLedger.create({
      data: { workspaceId: w.workspaceId, kind: 'digest', status: 'sent', claimToken: 'x', claimedAt: old, createdAt: old, subject: 'old', localDate: '2026-09-01' },
    });
    expect(await runInWorker(dist.breeOptions, 'prune-ledger')).toEqual([]);
    expect(await t.handle.db.deliveryLedger.count({ where: { workspaceId: w.workspaceId } })).toBe(0);
  }, 120_000);
});
