/**
 * Composition root: environment → database (migrated) → domain → surfaces.
 *
 * Today the surface is the terminal console (Slack and Teams arrive with their own issues and
 * plug in here). `npm start` with no configuration opens the console on the SQLite file
 * data/crm.db, with demo data on first run.
 */
import path from 'node:path';
import { EnvError, loadEnv, slackConfigured, slackMissing, slackSocketMode, teamsConfigured, type Env } from './config/env.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { parseDatabaseUrl, redactUrl } from './db/provider.js';
import { createCrm } from './domain/index.js';
import { createLogger } from './log.js';
import { parseEncryptionKey, SecretBox } from './domain/shared/secret-box.js';
import type { Crm, RunReport } from './domain/index.js';
import type { Logger } from './log.js';
import type { SlackAuth } from './bot/slack/startup.js';
import { startScheduler } from './jobs/scheduler.js';
import { JOB_SCHEDULES } from './jobs/schedules.js';
import { handleStopSignals, type Shutdown } from './shutdown.js';
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
Ctrl-C or SIGTERM stops any mode within 10 s (a second signal stops it at once).
Configuration is read from the environment: see README.md, "Configuration".`;

/** Each stop step's budget; the whole stop is bounded by STOP_DEADLINE_MS (shutdown.ts). */
const STOP_STEP_MS = {
  /** Running jobs get SCHEDULER_STOP_GRACE_MS to finish, then their workers are terminated. */
  scheduler: 5_000,
  socketMode: 2_000,
  /** In-flight requests get HTTP_CLOSE_GRACE_MS, then their connections are dropped. */
  httpServer: 4_000,
  /** Slack requests already acknowledged get SLACK_INBOX_DRAIN_MS; what is left stays pending for the next start. */
  slackInbox: 6_500,
  database: 3_000,
} as const;
const SLACK_INBOX_DRAIN_MS = 6_000;

/** A piped console session in which any command's answer was an error. */
const CONSOLE_FAILED_EXIT_CODE = 1;

/** `npm run jobs -- --once` stopped by a signal: how long its run may still take to finish. */
const ONCE_STOP_GRACE_MS = 5_000;
const ONCE_CUT_SHORT =
  'Stopped before the run finished (exit code 1): what it had not delivered is delivered by the next run, once this run\'s hold on it ends (CRM_DELIVERY_LEASE_SECONDS).';

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
  // From here on, SIGINT/SIGTERM stop whatever runs (and force the exit 10 s later).
  const shutdown = handleStopSignals({ say: info, log });

  const secretBox = encryptionKey(env);
  const serving = (slackConfigured(env) || teamsConfigured(env)) && !args.has('--console') && !args.has('--jobs');
  // Slack first, before the database is touched: one auth.test, so a wrong or revoked token or no
  // way to Slack stops the start here with one line. Its team is the surface's home team.
  const slackAuth = serving ? await checkSlackToken(env) : undefined;
  if (shutdown.signal.aborted) return;
  const target = parseDatabaseUrl(env.DATABASE_URL);
  info(
    target.provider === 'sqlite'
      ? `Database: SQLite file ${path.relative(process.cwd(), target.sqlitePath) || target.sqlitePath}`
      : `Database: PostgreSQL ${redactUrl(env.DATABASE_URL)}`,
  );
  const { applied } = await migrateDatabase(target);
  if (applied.length) info(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);
  // A signal while migrating lets the migration finish, then stops before anything else starts.
  if (shutdown.signal.aborted) return;

  if (args.has('--jobs')) {
    await runJobs(env, log, info, args.has('--once'), shutdown);
    return;
  }

  const handle = await openDatabase(target);
  const closeDb = () => shutdown.step('the database', () => handle.close(), STOP_STEP_MS.database);
  const { createAssistantFromEnv } = await import('./llm/index.js');
  const crm = createCrm(handle.db, undefined, { secretBox, assistant: createAssistantFromEnv(env, log) });
  if (serving) {
    const jobs = env.CRM_SCHEDULER === 'on' && !args.has('--no-jobs');
    try {
      await serveChat(env, crm, log, info, jobs, shutdown, slackAuth);
    } finally {
      await closeDb();
    }
    return;
  }
  try {
    const { ensureConsoleIdentity } = await import('./bot/console/identity.js');
    const { runConsole } = await import('./bot/console/console.js');
    const { describeDemoResult, seedDemo } = await import('./db/demo-seed.js');
    const you = await ensureConsoleIdentity(crm, env);
    const empty = !(await crm.deals.any(await crm.identity.actorFor(you)));
    const wantDemo = env.CRM_DEMO_DATA === 'always' || (env.CRM_DEMO_DATA === 'auto' && empty);
    if (wantDemo && !args.has('--no-demo')) {
      // Idempotent: with CRM_DEMO_DATA=always, what is already there is kept and said so.
      info(`${describeDemoResult(await seedDemo(crm, you))} (CRM_DEMO_DATA=never to skip).`);
    }
    info(banner(env, you.handle));
    const session = await runConsole({
      crm,
      log,
      member: you,
      input: process.stdin,
      output: process.stdout,
      interactive,
      color: interactive && !env.NO_COLOR,
      signal: shutdown.signal,
    });
    // On a pipe the exit status says whether every command worked (scripts can stop on it).
    const failed = session.failedLines.length;
    if (!interactive && failed > 0) {
      info(`${failed} of ${session.commands} commands failed (line${failed === 1 ? '' : 's'} ${session.failedLines.join(', ')}): exit code ${CONSOLE_FAILED_EXIT_CODE}.`);
      process.exitCode = CONSOLE_FAILED_EXIT_CODE;
    }
  } finally {
    await closeDb();
  }
}

/**
 * Runs the chat surfaces (and, with `jobs`, the scheduler) until SIGINT/SIGTERM, then stops them,
 * each step bounded in time. The caller closes the database.
 */
async function serveChat(
  env: Env,
  crm: Crm,
  log: Logger,
  info: (l: string) => void,
  jobs: boolean,
  shutdown: Shutdown,
  auth: SlackAuth | undefined,
) {
  const { createSlackSurface, SLACK_PATHS } = await import('./bot/slack/app.js');
  const { withinStartup } = await import('./bot/slack/startup.js');
  const { startHttpServer } = await import('./bot/http.js');
  const slack = slackConfigured(env)
    ? createSlackSurface(env, crm, log, {
        slackApiUrl: env.SLACK_API_URL,
        auth,
        inbox: {
          concurrency: env.CRM_WORK_CONCURRENCY,
          maxBacklog: env.CRM_MAX_BACKLOG,
          maxHeapMb: env.CRM_MAX_HEAP_MB,
          leaseMs: env.CRM_INBOX_LEASE_SECONDS * 1000,
        },
      })
    : undefined;
  // botbuilder loads only when Teams is configured.
  const teams = teamsConfigured(env) ? (await import('./bot/teams/index.js')).createTeamsSurface(env, crm, log) : undefined;
  const socket = slack?.mode === 'socket' ? slack : undefined;
  if (socket) {
    try {
      await withinStartup(socket.app.start(), 'Socket Mode (SLACK_APP_TOKEN) could not connect');
    } catch (err) {
      // Stop the client's own reconnecting before giving up.
      await shutdown.step('Socket Mode', () => socket.app.stop(), STOP_STEP_MS.socketMode);
      throw err instanceof Error && err.name === 'SlackStartError' ? err : socketModeError(err);
    }
    info(`Slack: connected in Socket Mode${auth ? ` for workspace ${auth.teamId}` : ''}.`);
  }
  const server = await startHttpServer({ port: env.PORT, slack: socket ? undefined : slack, teams, log });
  if (slack && !socket) {
    const workspace = auth ? ` for workspace ${auth.teamId}` : '';
    info(`Slack: listening on port ${env.PORT}${workspace}; request URL https://<your host>${SLACK_PATHS.events}`);
    if (slack.mode === 'oauth') info(`Slack: install the app at https://<your host>${SLACK_PATHS.install}`);
  }
  if (teams) info(`Teams: messaging endpoint https://<your host>${teams.path} (port ${env.PORT})`);
  // Requests a stopped or crashed process acknowledged but did not finish: finished or answered now.
  slack?.inbox.startRecovery(slack.app, slack.app.client);
  const scheduler = jobs && !shutdown.signal.aborted ? await startScheduler(log) : undefined;
  shutdown.busyWith('serving');
  info(scheduler ? 'Scheduler: digests and nudges are on (npm start -- --no-jobs to leave them to `npm run jobs`).' : 'Scheduler: off.');
  await shutdown.requested;
  // New work stops first (no new requests, no new job runs), then what is in flight finishes or is cut.
  await Promise.all([
    scheduler && shutdown.step('the scheduler', () => scheduler.stop(), STOP_STEP_MS.scheduler),
    socket && shutdown.step('Socket Mode', () => socket.app.stop(), STOP_STEP_MS.socketMode),
    shutdown.step('the HTTP server', () => server.close(), STOP_STEP_MS.httpServer),
    slack && shutdown.step('acknowledged Slack requests', () => slack.inbox.drain(SLACK_INBOX_DRAIN_MS), STOP_STEP_MS.slackInbox),
  ]);
}

/**
 * auth.test for the bot token, in the modes that run on it (single workspace, Socket Mode; with
 * OAuth each install brings its own token). Rejects with the one line to print.
 */
async function checkSlackToken(env: Env): Promise<SlackAuth | undefined> {
  const onBotToken = slackSocketMode(env) || (slackConfigured(env) && !(env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET));
  if (!onBotToken || !env.SLACK_BOT_TOKEN) return undefined;
  const { verifySlackBotToken } = await import('./bot/slack/startup.js');
  return verifySlackBotToken(env.SLACK_BOT_TOKEN, { slackApiUrl: env.SLACK_API_URL });
}

/** Socket Mode's start errors (apps.connections.open's, mostly) as one line. */
function socketModeError(err: unknown): EnvError {
  const code = (err as { data?: { error?: unknown } } | undefined)?.data?.error;
  const why = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return new EnvError(`Slack: Socket Mode could not connect: ${why}${code === 'invalid_auth' || code === 'not_authed' ? ' (check SLACK_APP_TOKEN, the app-level token xapp-… with connections:write)' : ''}`);
}

/**
 * `npm run jobs`: the scheduler alone, for deployments where several bot replicas serve chat and
 * one process (or a few: the run ledger keeps each delivery to one post) runs the jobs. With
 * --once, delivers what is due now in this process and exits.
 */
async function runJobs(env: Env, log: Logger, info: (l: string) => void, once: boolean, shutdown: Shutdown): Promise<void> {
  const { openJobRuntime } = await import('./jobs/runtime.js');
  const runtime = await openJobRuntime(env, log);
  const platforms = runtime.runner.platforms;
  if (platforms.length === 0) {
    await runtime.close();
    throw new EnvError('Nothing to deliver to: digests and nudges need Slack (SLACK_BOT_TOKEN, or OAuth) or Teams (MICROSOFT_APP_ID) configured. See README.md, "Digests and nudges".');
  }
  if (once) {
    try {
      shutdown.busyWith('delivering what is due');
      const run = runtime.runner.runDue();
      // A signal gives the run in progress ONCE_STOP_GRACE_MS to finish; then it is left unfinished.
      const cut = shutdown.requested.then(() => new Promise<'cut'>((r) => setTimeout(() => r('cut'), ONCE_STOP_GRACE_MS).unref()));
      const outcome = await Promise.race([run, cut]);
      if (outcome === 'cut') {
        run.catch(() => {}); // it fails once the database closes; nothing more to report
        info(ONCE_CUT_SHORT);
        process.exitCode = 1;
      } else {
        info(`Digests: ${describeRun(outcome.digests)}. Nudges: ${describeRun(outcome.nudges)}.`);
      }
    } finally {
      await shutdown.step('the database', () => runtime.close(), STOP_STEP_MS.database);
    }
    return;
  }
  await runtime.close();
  if (shutdown.signal.aborted) return;
  const scheduler = await startScheduler(log);
  shutdown.busyWith('running the scheduler');
  info(`Scheduler: running ${JOB_SCHEDULES.map((j) => j.name).join(', ')} for ${platforms.join(', ')} (Ctrl-C to stop).`);
  await shutdown.requested;
  await shutdown.step('the scheduler', () => scheduler.stop(), STOP_STEP_MS.scheduler);
}

function describeRun(r: RunReport): string {
  return `${r.due} due, ${r.sent} sent, ${r.skipped} skipped, ${r.retrying} to retry, ${r.failed} failed, ${r.busy} held by another run`;
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
    const missing = slackMissing(env);
    lines.push(
      '',
      ...(missing ? [`Slack is not started: ${missing}`] : []),
      'Not connected to Slack or Teams. For Slack: create a Slack app from manifest.yml, then start with',
      'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set, or for Socket Mode SLACK_APP_TOKEN and SLACK_BOT_TOKEN',
      '(no signing secret needed there; docs/slack.md walks through both).',
      'For Teams: MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (docs/teams.md).',
    );
  } else {
    lines.push('', `${connected.join(' and ')} is configured: \`npm start\` without --console serves it.`);
  }
  return lines.join('\n');
}

/** Errors whose message is the whole story, printed as it is (no "Could not start:", no stack). */
const ONE_LINE_ERRORS = new Set(['SlackConfigError', 'SlackStartError', 'TeamsConfigError', 'DatabaseUrlError']);

// When main is done, so is the process: a client still retrying in the background (Slack's Web
// API client retries for minutes) or a socket that has not noticed yet must not keep it running.
main()
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((err: unknown) => {
    if (err instanceof EnvError || (err instanceof Error && ONE_LINE_ERRORS.has(err.name))) {
      console.error(err.message);
    } else {
      console.error('Could not start:', err instanceof Error ? err.message : err);
      if (process.env.LOG_LEVEL === 'debug') console.error(err);
    }
    process.exit(1);
  });
