/**
 * The body of every Bree worker (worker.mjs loads it): reads the environment, opens a job
 * runtime, runs the job the worker was started for, closes, and tells Bree it is done.
 */
import { parentPort } from 'node:worker_threads';
import { loadEnv } from '../config/env.js';
import { createLogger } from '../log.js';
import { openJobRuntime } from './runtime.js';
import { jobNamed } from './schedules.js';

export async function runJobInWorker(name: string | undefined): Promise<void> {
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL).child({ job: name });
  try {
    const job = jobNamed(name);
    if (!job) throw new Error(`no job called ${name}`);
    const rt = await openJobRuntime(env, log);
    try {
      const result = await job.run(rt);
      log.debug({ result }, 'job finished');
    } finally {
      await rt.close();
    }
  } catch (err) {
    log.error({ err }, 'job failed');
  }
  if (parentPort) parentPort.postMessage('done');
  else process.exit(0);
}
