/**
 * Composition root: environment → database (migrated) → domain → surfaces.
 *
 * Today the surface is the terminal console (Slack and Teams arrive with their own issues and
 * plug in here). `npm start` with no configuration opens the console on the SQLite file
 * data/crm.db, with demo data on first run.
 */
import path from 'node:path';
import { EnvError, loadEnv, slackConfigured, teamsConfigured, type Env } from './config/env.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { parseDatabaseUrl, redactUrl } from './db/provider.js';
import { createCrm } from './domain/index.js';
import { createLogger } from './log.js';
import { parseEncryptionKey, SecretBox } from './domain/shared/secret-box.js';
import type { Crm, RunReport } from './domain/index.js';
import type { Logger } from './log.js';
import { startScheduler } from './jobs/scheduler.js';
import { JOB_SCHEDULES } from './jobs/schedules.js';
// Surfaces (Bolt, botbuilder, the console, the LLM client) load only in the modes that use them,
// so `npm run jobs` stays small.

const USAGE = `Usage: npm start [-- --console] [-- --no-demo] [-- --no-jobs]
       npm run jobs [-- --once]
  --console   open the terminal console even when Slack is configured
              (the console is the default while no chat platform is configured)
  --no-demo   do not add demo data to an empty console workspace
  --no-jobs   serve chat without the scheduler (digests, nudges); CRM_SCHEDULER=off does the same
  --jobs      run only the scheduler, no chat surface (\`npm run jobs\`): for a separate process
              beside several bot replicas (any number may run: each delivery still posts once)
  --once      with --jobs: deliver what is due now, print what happened, and exit
Configuration is read from the environment: see README.md, "Configuration".`;

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  if (args.has('--help') || args.has('-h')) {
    console.log(USAGE);
    return;
  }
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL);
  const interactive = Boolean(process.stdin.isTTY);
  // On a pipe, keep standard output for command results only.
  const info = (line: string) => (interactive ? process.stdout : process.stderr).write(`${line}\n`);

  const secretBox = encryptionKey(env);
  const target = parseDatabaseUrl(env.DATABASE_URL);
  info(
    target.provider === 'sqlite'
      ? `Database: SQLite file ${path.relative(process.cwd(), target.sqlitePath) || target.sqlitePath}`
      : `Database: PostgreSQL ${redactUrl(env.DATABASE_URL)}`,
  );
  const { applied } = await migrateDatabase(target);
  if (applied.length) info(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);

  if (args.has('--jobs')) {
    await runJobs(env, log, info, args.has('--once'));
    return;
  }

  const handle = await openDatabase(target);
  const { createAssistantFromEnv } = await import('./llm/index.js');
  const crm = createCrm(handle.db, undefined, { secretBox, assistant: createAssistantFromEnv(env, log) });
  if ((slackConfigured(env) || teamsConfigured(env)) && !args.has('--console')) {
    const jobs = env.CRM_SCHEDULER === 'on' && !args.has('--no-jobs');
    await serveChat(env, crm, log, info, () => handle.close(), jobs);
    return;
  }
  try {
    const { ensureConsoleIdentity } = await import('./bot/console/identity.js');
    const { runConsole } = await import('./bot/console/console.js');
    const { seedDemo } = await import('./db/demo-seed.js');
    const you = await ensureConsoleIdentity(crm, env);
    const empty = !(await crm.deals.any(await crm.identity.actorFor(you)));
    const wantDemo = env.CRM_DEMO_DATA === 'always' || (env.CRM_DEMO_DATA === 'auto' && empty);
    if (wantDemo && !args.has('--no-demo')) {
      const { deals } = await seedDemo(crm, you);
      info(`Added demo data: ${deals} deals across the pipeline (CRM_DEMO_DATA=never to skip).`);
    }
    info(banner(env, you.handle));
    await runConsole({
      crm,
      log,
      member: you,
      input: process.stdin,
      output: process.stdout,
      interactive,
      color: interactive && !process.env.NO_COLOR,
    });
  } finally {
    await handle.close();
  }
}

/** Runs the chat surfaces (and, with `jobs`, the scheduler) until SIGINT/SIGTERM. */
async function serveChat(env: Env, crm: Crm, log: Logger, info: (l: string) => void, closeDb: () => Promise<void>, jobs: boolean) {
  const { createSlackSurface, SLACK_PATHS } = await import('./bot/slack/app.js');
  const { startHttpServer } = await import('./bot/http.js');
  const slack = slackConfigured(env) ? createSlackSurface(env, crm, log) : undefined;
  // botbuilder loads only when Teams is configured.
  const teams = teamsConfigured(env) ? (await import('./bot/teams/index.js')).createTeamsSurface(env, crm, log) : undefined;
  if (slack?.mode === 'socket') {
    await slack.app.start();
    info('Slack: connected in Socket Mode.');
  }
  const server = await startHttpServer({ port: env.PORT, slack: slack?.mode === 'socket' ? undefined : slack, teams, log });
  if (slack && slack.mode !== 'socket') {
    info(`Slack: listening on port ${env.PORT}; request URL https://<your host>${SLACK_PATHS.events}`);
    if (slack.mode === 'oauth') info(`Slack: install the app at https://<your host>${SLACK_PATHS.install}`);
  }
  if (teams) info(`Teams: messaging endpoint https://<your host>${teams.path} (port ${env.PORT})`);
  const scheduler = jobs ? await startScheduler(log) : undefined;
  info(scheduler ? 'Scheduler: digests and nudges are on (npm start -- --no-jobs to leave them to `npm run jobs`).' : 'Scheduler: off.');
  await untilSignal();
  info('Stopping…');
  await scheduler?.stop();
  if (slack?.mode === 'socket') await slack.app.stop();
  await server.close();
  await closeDb();
}

/**
 * `npm run jobs`: the scheduler alone, for deployments where several bot replicas serve chat and
 * one process (or a few: the run ledger keeps each delivery to one post) runs the jobs. With
 * --once, delivers what is due now in this process and exits.
 */
async function runJobs(env: Env, log: Logger, info: (l: string) => void, once: boolean): Promise<void> {
  const { openJobRuntime } = await import('./jobs/runtime.js');
  const runtime = await openJobRuntime(env, log);
  const platforms = runtime.runner.platforms;
  if (platforms.length === 0) {
    await runtime.close();
    throw new EnvError('Nothing to deliver to: digests and nudges need Slack (SLACK_BOT_TOKEN, or OAuth) or Teams (MICROSOFT_APP_ID) configured. See README.md, "Digests and nudges".');
  }
  if (once) {
    try {
      const report = await runtime.runner.runDue();
      info(`Digests: ${describeRun(report.digests)}. Nudges: ${describeRun(report.nudges)}.`);
    } finally {
      await runtime.close();
    }
    return;
  }
  await runtime.close();
  const scheduler = await startScheduler(log);
  info(`Scheduler: running ${JOB_SCHEDULES.map((j) => j.name).join(', ')} for ${platforms.join(', ')} (Ctrl-C to stop).`);
  await untilSignal();
  info('Stopping…');
  await scheduler.stop();
}

function describeRun(r: RunReport): string {
  return `${r.due} due, ${r.sent} sent, ${r.skipped} skipped, ${r.retrying} to retry, ${r.failed} failed, ${r.busy} held by another run`;
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function encryptionKey(env: Env): SecretBox | undefined {
  if (!env.CRM_ENCRYPTION_KEY) return undefined;
  const key = parseEncryptionKey(env.CRM_ENCRYPTION_KEY);
  if (!key) {
    throw new EnvError('Invalid configuration:\n  CRM_ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or base64 (openssl rand -hex 32).');
  }
  return new SecretBox(key);
}

function banner(env: Env, handle: string): string {
  const connected = [slackConfigured(env) && 'Slack', teamsConfigured(env) && 'Teams'].filter(Boolean);
  const lines = [
    '',
    `Chat-ops CRM console. You are @${handle}. Type /deal help for the commands, /console for console commands.`,
    'Try:  /deal new Acme renewal 25k close next friday   then   /deal list',
  ];
  if (connected.length === 0) {
    lines.push(
      '',
      'Not connected to Slack or Teams. For Slack: create a Slack app from manifest.yml, then start with',
      'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set (docs/slack.md walks through it; SLACK_APP_TOKEN for Socket Mode).',
      'For Teams: MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (docs/teams.md).',
    );
  } else {
    lines.push('', `${connected.join(' and ')} is configured: \`npm start\` without --console serves it.`);
  }
  return lines.join('\n');
}

main().catch((err: unknown) => {
  if (err instanceof EnvError || (err instanceof Error && (err.name === 'SlackConfigError' || err.name === 'TeamsConfigError'))) {
    console.error(err.message);
  } else {
    console.error('Could not start:', err instanceof Error ? err.message : err);
    if (process.env.LOG_LEVEL === 'debug') console.error(err);
  }
  process.exitCode = 1;
});
