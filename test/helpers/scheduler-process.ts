/**
 * A scheduler replica in its own process, for the race tests: its own database connection and
 * Slack client (pointed at the test's loopback Slack stub). Prints "ready"; then for each line on
 * stdin runs every due delivery once and prints the report as one line of JSON. Ends with stdin.
 *
 * By default the clock is fixed: each line is an ISO instant the clock is set to, and the runner's
 * waits move the clock instead of sleeping. With `realTime` (see ReplicaOptions in replicas.ts)
 * the clock runs with real time from an agreed start, the runner really waits, and a line `now`
 * runs at the clock's current reading; before saying "ready" it runs once an hour before that start,
 * to warm up.
 * Usage: tsx scheduler-process.ts <databaseUrl> <slackApiUrl> [<ReplicaOptions as JSON>]
 */
import readline from 'node:readline';
import { openDatabase } from '../../src/db/client.js';
import { SlackNotifier } from '../../src/bot/slack/notifier.js';
import { sendTimeoutMs } from '../../src/domain/digests/delivery.runner.js';
import { createCrm, createDeliveryRunner, FixedClock, type Clock } from '../../src/domain/index.js';
import { SLACK_DELIVERY_TIMEOUT_MS } from '../../src/jobs/notifiers.js';
import type { ReplicaOptions } from './replicas.js';

/** RUN_NOW in replicas.ts (not imported: that module would load an HTTP server and the Slack helpers here). */
const RUN_NOW = 'now';

const [url, slackApiUrl, rawOptions] = process.argv.slice(2);
const options = (rawOptions ? JSON.parse(rawOptions) : {}) as ReplicaOptions;
const handle = await openDatabase(url!);

const fixed = new FixedClock(new Date());
const realTime = options.realTime;
/** A real-time replica warms up (database connection, first queries) this long before the agreed start. */
const WARM_UP_LEAD_MS = 60 * 60_000;
let warming = Boolean(realTime);
const clock: Clock = realTime
  ? {
      now: () =>
        warming
          ? new Date(Date.parse(realTime.startAt) - WARM_UP_LEAD_MS)
          : new Date(Date.parse(realTime.startAt) + (Date.now() - realTime.realStartMs)),
    }
  : fixed;
const crm = createCrm(handle.db, clock, { deliveryLeaseMs: options.leaseMs });
// Request timeouts as the jobs set them (src/jobs/notifiers.ts): a share of the lease.
const timeoutMs = options.leaseMs ? sendTimeoutMs(options.leaseMs, SLACK_DELIVERY_TIMEOUT_MS) : undefined;
const runner = createDeliveryRunner(crm, new SlackNotifier({ crm, botToken: 'xoxb-test-token', slackApiUrl, timeoutMs }), {
  platforms: ['slack'],
  ...(!realTime && { sleep: async (ms: number) => fixed.advance(ms) }),
});
if (warming) {
  // A cold process takes seconds over its first run: get that out of the way, so that the test's
  // timing is a running scheduler's.
  await runner.runDue();
  warming = false;
}
console.log('ready');
for await (const line of readline.createInterface({ input: process.stdin })) {
  const at = line.trim();
  if (at !== RUN_NOW) fixed.set(at);
  console.log(JSON.stringify(await runner.runDue()));
}
await handle.close();
