/**
 * Load benchmark of the Slack surface: signed `/deal` requests from a second process on loopback
 * against the real Bolt receiver over a SQLite database of 100,000 deals; requests per second and
 * p50/p99 latency, beside the same load against a bare Bolt app whose handler only acknowledges.
 *
 *   npx tsx bench/slack-load.ts [--requests 2000] [--concurrency 8] [--deals 100000] [--reuse]
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
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

function runClient(args: Record<string, unknown>): Promise<{ ack: number[]; full: number[]; seconds: number; failures: number }> {
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

const url = `file:${path.join(here, '.data', 'slack-load.db')}`;
const target = parseDatabaseUrl(url);
log(`slack load bench: node ${process.version}, ${REQUESTS} requests, concurrency ${CONCURRENCY}, ${DEALS.toLocaleString('en-US')} deals (SQLite)`);
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

log('');
log(`| ${'app'.padEnd(34)} |  req/s | ack p50 | ack p99 | full p50 | full p99 | fails |`);
log(`|:${'-'.repeat(34)}-|-------:|--------:|--------:|---------:|---------:|------:|`);
log(row('bare Bolt app (ack only)', bareRun, false));
log(row('CRM, mixed /deal commands', crmRun, true));
log(row('CRM, /deal D-4242 only', readOnly, true));
log('');
log(`mixed commands: ${texts.map((t) => `"/deal ${t}"`).join(', ')}; "full" = until the answer reaches the response URL`);
log(`ack p50 ratio CRM/bare: ${(pct(crmRun.ack, 50) / pct(bareRun.ack, 50)).toFixed(2)}x`);

await server.close();
await new Promise((r) => bareServer.close(r));
api.close();
await handle.close();
process.exit(0);
