/**
 * `npm run seed`: adds the console's demo data to DATABASE_URL. Safe to run again: what is already
 * there is kept and not added twice. Any failure is one line on standard error (no stack trace;
 * LOG_LEVEL=debug adds it) and exit code 1.
 */
import { EnvError, loadEnv } from '../src/config/env.js';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { describeDemoResult, seedDemo } from '../src/db/demo-seed.js';
import { ensureConsoleIdentity } from '../src/bot/console/identity.js';
import { createCrm } from '../src/domain/index.js';

/** What the one line starts with, unless the error's message is the whole story (a setting). */
const FAILED = 'npm run seed failed:';

async function seed(): Promise<string> {
  const env = loadEnv();
  await migrateDatabase(env.DATABASE_URL);
  const handle = await openDatabase(env.DATABASE_URL);
  try {
    const crm = createCrm(handle.db);
    const you = await ensureConsoleIdentity(crm, env);
    return `${describeDemoResult(await seedDemo(crm, you))}, in the console workspace (you are @${you.handle}).`;
  } finally {
    await handle.close();
  }
}

try {
  console.log(await seed());
} catch (err) {
  if (err instanceof EnvError) console.error(err.oneLine());
  else console.error(FAILED, oneLine(err instanceof Error ? err.message : String(err)));
  if (process.env.LOG_LEVEL === 'debug') console.error(err);
  process.exitCode = 1;
}

/** Error messages from drivers can span lines: the first non-empty one, so the output stays one line. */
function oneLine(message: string): string {
  return message.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? 'unknown error';
}
