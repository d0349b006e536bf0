/**
 * Load benchmark of the Slack surface: signed `/deal` requests from a second process on loopback
 * against the real Bolt receiver over a database of 100,000 deals (SQLite, or PostgreSQL with
 * --provider postgresql); requests per second and p50/p99 latency, beside the same load against a
 * bare Bolt app whose handler only acknowledges. Then:
 * - the inbox's own cost per command: its two writes (`accept` before the ack, `complete` after
 *   the work), timed one at a time on the same database (absent before the inbox: printed as such);
 * - a burst: `--burst N` `/deal new …` commands sent at the same moment, each on its own
 *   connection; every acknowledgement's time, and how many came within Slack's 3 s.
 *
 *   npx tsx bench/slack-load.ts [--requests 2000] [--concurrency 8] [--deals 100000] [--reuse]
 *                               [--provider sqlite|postgresql] [--burst 400] [--inbox-writes 1000]
 * PostgreSQL: BENCH_SLACK_PG_URL, default postgresql://postgres@127.0.0.1:5432/test?schema=crm_slack_load
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver } from '@slack/bolt';
import { loadEnv } from '../src/config/env.js';
import { openDatabase } from '../src/db/client.js';
import { parseDatabaseUrl } from '../src/db/provider.js';
import { startHttpServer } from '../src/bot/http.js';
import { createSlackSurface } from '../src/bot/slack/app.js';
import { createCrm } from '../src/domain/index.js';
import { FixedClock } from '../src/domain/ports.js';
import { silentLogger } from '../src/log.js';
import { MAIN_WS, NOW, seed } from './seed.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const REQUESTS = opt('requests', 2000);
const CONCURRENCY = opt('concurrency', 8);
const DEALS = opt('deals', 100_000);
const BURST = opt('burst', 400);
const INBOX_WRITES = opt('inbox-writes', 1000);
const PROVIDER = argv.includes('--provider') ? argv[argv.indexOf('--provider') + 1] : 'sqlite';
const PG_URL = process.env.BENCH_SLACK_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test?schema=crm_slack_load';
/** Slack's limit for an acknowledgement. */
const ACK_LIMIT_MS = 3000;
const SECRET = 'bench-signing-secret';
const here = path.dirname(new URL(import.meta.url).pathname);
const log = (line: string) => console.log(line);

/** A Slack Web API stand-in on loopback (auth.test, users.info), so nothing leaves the machine. */
async function slackApiStub(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: MAIN_WS, user: { id: 'U', name: 'bench', tz: 'UTC', profile: {} } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, close: () => server.close() };
}

function runClient(args: Record<string, unknown>): Promise<{ ack: number[]; full: number[]; seconds: number; failures: number; busy?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'slack-load-client.ts'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out)));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const row = (name: string, r: { ack: number[]; full: number[]; seconds: number; failures: number }, full: boolean) =>
  `| ${name.padEnd(34)} | ${(r.ack.length / r.seconds).toFixed(0).padStart(6)} | ${pct(r.ack, 50).toFixed(2).padStart(7)} | ${pct(r.ack, 99).toFixed(2).padStart(7)} | ${
    full ? pct(r.full, 50).toFixed(2).padStart(8) : '       —'
  } | ${full ? pct(r.full, 99).toFixed(2).padStart(8) : '       —'} | ${String(r.failures).padStart(5)} |`;

if (PROVIDER !== 'sqlite' && PROVIDER !== 'postgresql') throw new Error('--provider sqlite|postgresql');
const url = PROVIDER === 'sqlite' ? `file:${path.join(here, '.data', 'slack-load.db')}` : PG_URL;
const target = parseDatabaseUrl(url);
log(
  `slack load bench: node ${process.version}, ${REQUESTS} requests, concurrency ${CONCURRENCY}, ${DEALS.toLocaleString('en-US')} deals (${PROVIDER}), ` +
    `burst ${BURST}; 1-min load average ${os.loadavg()[0]!.toFixed(2)}`,
);
const { main } = await seed({ target, deals: DEALS, activities: opt('activities', 200_000), reuse: argv.includes('--reuse'), log });
const handle = await openDatabase(target);
const crm = createCrm(handle.db, new FixedClock(NOW));
const members = await handle.db.member.findMany({ where: { workspaceId: main.workspaceId }, take: 20 });
// Fresh profiles, so no request waits on users.info.
await handle.db.member.updateMany({ where: { workspaceId: main.workspaceId }, data: { updatedAt: new Date() } });
const ws = await handle.db.workspace.findUniqueOrThrow({ where: { id: main.workspaceId } });
const api = await slackApiStub();
const env = loadEnv({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, CRM_TIMEZONE: 'UTC', LOG_LEVEL: 'silent' });
const surface = createSlackSurface(env, crm, silentLogger, { slackApiUrl: api.url });
const server = await startHttpServer({ port: 0, host: '127.0.0.1', slack: surface, log: silentLogger });

// A bare Bolt app: the same receiver and signature check, a handler that only acknowledges.
const bareReceiver = new ExpressReceiver({ signingSecret: SECRET, endpoints: '/slack/events' });
const bare = new App({ token: 'xoxb-bench', receiver: bareReceiver, clientOptions: { slackApiUrl: api.url } });
bare.command('/deal', async ({ ack }) => {
  await ack();
});
const bareServer = http.createServer(bareReceiver.app);
await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

const texts = ['list', 'D-4242', 'albatross', 'list qualified', 'D-77', 'report'].map((t) => t);
const common = {
  secret: SECRET,
  teamId: ws.externalId,
  users: members.map((m) => m.externalId),
  requests: REQUESTS,
  concurrency: CONCURRENCY,
  texts,
};
// Warm-up (JIT, caches), then the measured runs.
await runClient({ ...common, target: server.url, requests: 200, awaitAnswer: true });
await runClient({ ...common, target: bareUrl, requests: 200, awaitAnswer: false });
const crmRun = await runClient({ ...common, target: server.url, awaitAnswer: true });
const bareRun = await runClient({ ...common, target: bareUrl, awaitAnswer: false });
const readOnly = await runClient({ ...common, texts: ['D-4242'], target: server.url, awaitAnswer: true });

// The inbox's two writes per command, one at a time (nothing else running): its cost per command.
const inbox = (crm as { inbox?: { accept?: (k: string, kind: string, p: string) => Promise<boolean>; complete(k: string): Promise<void> } }).inbox;
const inboxCost: { accept: number[]; complete: number[] } = { accept: [], complete: [] };
if (inbox?.accept) {
  const payload = JSON.stringify({ command: '/deal', text: 'new Acme renewal 25k', team_id: ws.externalId, user_id: members[0]!.externalId, response_url: 'https://hooks.slack.com/commands/T/1/x', trigger_id: 'x'.repeat(40) });
  for (let i = 0; i < INBOX_WRITES + 50; i++) {
    const key = `bench:inbox:${process.pid}:${Date.now()}:${i}`;
    const t0 = performance.now();
    await inbox.accept(key, 'command', payload);
    const t1 = performance.now();
    await inbox.complete(key);
    const t2 = performance.now();
    if (i >= 50) {
      inboxCost.accept.push(t1 - t0);
      inboxCost.complete.push(t2 - t1);
    }
  }
}

// The burst: BURST `/deal new` commands at the same moment, each on its own connection.
const burstRun = await runClient({
  ...common,
  texts: Array.from({ length: 20 }, (_, i) => `new Burst deal ${i} 5k`),
  target: server.url,
  requests: BURST,
  concurrency: BURST,
  awaitAnswer: true,
  answerTimeoutMs: 60_000,
});

log('');
log(`| ${'app'.padEnd(34)} |  req/s | ack p50 | ack p99 | full p50 | full p99 | fails |`);
log(`|:${'-'.repeat(34)}-|-------:|--------:|--------:|---------:|---------:|------:|`);
log(row('bare Bolt app (ack only)', bareRun, false));
log(row('CRM, mixed /deal commands', crmRun, true));
log(row('CRM, /deal D-4242 only', readOnly, true));
log('');
log(`mixed commands: ${texts.map((t) => `"/deal ${t}"`).join(', ')}; "full" = until the answer reaches the response URL`);
log(`ack p50 ratio CRM/bare: ${(pct(crmRun.ack, 50) / pct(bareRun.ack, 50)).toFixed(2)}x`);
log('');
if (inbox?.accept) {
  const ms = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(3)} ms, p99 ${pct(xs, 99).toFixed(3)} ms`;
  log(`inbox writes per command (${INBOX_WRITES}, one at a time): accept ${ms(inboxCost.accept)}; complete ${ms(inboxCost.complete)}`);
} else {
  log('inbox writes per command: none (no inbox in this build)');
}
const under = burstRun.ack.filter((a) => a < ACK_LIMIT_MS).length;
const acked = burstRun.ack.length - burstRun.failures;
log(
  `burst of ${BURST} simultaneous "/deal new": ${acked} acknowledged (HTTP 200), ${burstRun.failures} not; ` +
    `ack p50 ${pct(burstRun.ack, 50).toFixed(0)} ms, p99 ${pct(burstRun.ack, 99).toFixed(0)} ms, max ${Math.max(...burstRun.ack).toFixed(0)} ms; ` +
    `${under} of ${BURST} under ${ACK_LIMIT_MS / 1000} s; answers p50 ${pct(burstRun.full, 50).toFixed(0)} ms, max ${Math.max(...burstRun.full).toFixed(0)} ms; ` +
    `busy answers ${burstRun.busy ?? 0}`,
);
log(`1-min load average after: ${os.loadavg()[0]!.toFixed(2)}`);

// The burst's deals go again, so that the next run with --reuse finds the seed as it was.
await handle.db.deal.deleteMany({ where: { workspaceId: main.workspaceId, title: { startsWith: 'Burst deal' } } });

await server.close();
await new Promise((r) => bareServer.close(r));
api.close();
await handle.close();
process.exit(0);
