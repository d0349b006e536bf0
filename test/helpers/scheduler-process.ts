/**
 * A scheduler replica in its own process, for the race test: its own database connection and
 * Slack client (pointed at the test's loopback Slack stub), on a fixed clock. Prints "ready";
 * then for each line on stdin (an ISO instant) sets its clock there, runs every due delivery
 * once, and prints the report as one line of JSON. Ends with stdin.
 * Usage: tsx scheduler-process.ts <databaseUrl> <slackApiUrl>
 */
import readline from 'node:readline';
import { openDatabase } from '../../src/db/client.js';
import { SlackNotifier } from '../../src/bot/slack/notifier.js';
import { createCrm, createDeliveryRunner, FixedClock } from '../../src/domain/index.js';

const [url, slackApiUrl] = process.argv.slice(2);
const handle = await openDatabase(url!);
const clock = new FixedClock(new Date());
const crm = createCrm(handle.db, clock);
const runner = createDeliveryRunner(crm, new SlackNotifier({ crm, botToken: 'xoxb-test-token', slackApiUrl }), {
  platforms: ['slack'],
  sleep: async (ms) => clock.advance(ms),
});
console.log('ready');
for await (const line of readline.createInterface({ input: process.stdin })) {
  clock.set(line.trim());
  console.log(JSON.stringify(await runner.runDue()));
}
await handle.close();
