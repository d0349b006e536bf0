/**
 * What a job runs with: its own database connection, the domain, and a delivery runner over the
 * notifiers the environment configures. A Bree worker thread shares no memory with the bot, so
 * each run opens (and closes) its own.
 */
import { EnvError, type Env } from '../config/env.js';
import { openDatabase } from '../db/client.js';
import { createCrm, createDeliveryRunner, type Crm, type DeliveryRunner } from '../domain/index.js';
import { parseEncryptionKey, SecretBox } from '../domain/shared/secret-box.js';
import type { Logger } from '../log.js';
import { createNotifier } from './notifiers.js';

export interface JobRuntime {
  crm: Crm;
  runner: DeliveryRunner;
  log: Logger;
}

/** A job: one domain call. */
export type Job = (rt: JobRuntime) => Promise<unknown>;

export async function openJobRuntime(env: Env, log: Logger): Promise<JobRuntime & { close(): Promise<void> }> {
  const handle = await openDatabase(env.DATABASE_URL);
  try {
    const crm = createCrm(handle.db, undefined, { secretBox: secretBox(env), deliveryLeaseMs: env.CRM_DELIVERY_LEASE_SECONDS * 1000 });
    const notifier = createNotifier(env, crm, log, { slackApiUrl: env.SLACK_API_URL });
    const runner = createDeliveryRunner(crm, notifier, {
      platforms: notifier.platforms,
      concurrency: env.CRM_DELIVERY_CONCURRENCY,
      log,
    });
    return { crm, runner, log, close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function secretBox(env: Env): SecretBox | undefined {
  if (!env.CRM_ENCRYPTION_KEY) return undefined;
  const key = parseEncryptionKey(env.CRM_ENCRYPTION_KEY);
  if (!key) throw new EnvError('CRM_ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or base64 (openssl rand -hex 32).');
  return new SecretBox(key);
}
