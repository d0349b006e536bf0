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
import { seedDemo } from './db/demo-seed.js';
import { createCrm } from './domain/index.js';
import { createLogger } from './log.js';
import { ensureConsoleIdentity } from './bot/console/identity.js';
import { runConsole } from './bot/console/console.js';

const USAGE = `Usage: npm start [-- --console] [-- --no-demo]
  --console   open the terminal console (the default while no chat platform is configured)
  --no-demo   do not add demo data to an empty console workspace
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

  const target = parseDatabaseUrl(env.DATABASE_URL);
  info(
    target.provider === 'sqlite'
      ? `Database: SQLite file ${path.relative(process.cwd(), target.sqlitePath) || target.sqlitePath}`
      : `Database: PostgreSQL ${redactUrl(env.DATABASE_URL)}`,
  );
  const { applied } = await migrateDatabase(target);
  if (applied.length) info(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);

  const handle = await openDatabase(target);
  try {
    const crm = createCrm(handle.db);
    const you = await ensureConsoleIdentity(crm, env);
    const empty = (await handle.db.deal.count({ where: { workspaceId: you.workspaceId } })) === 0;
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
      'Not connected to a chat platform. The Slack and Teams surfaces are being built (see README.md, "Roadmap");',
      'they will be enabled by SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET, or MICROSOFT_APP_ID + MICROSOFT_APP_PASSWORD.',
    );
  } else {
    lines.push('', `${connected.join(' and ')} credentials found, but this version only has the console surface.`);
  }
  return lines.join('\n');
}

main().catch((err: unknown) => {
  if (err instanceof EnvError) {
    console.error(err.message);
  } else {
    console.error('Could not start:', err instanceof Error ? err.message : err);
    if (process.env.LOG_LEVEL === 'debug') console.error(err);
  }
  process.exitCode = 1;
});
