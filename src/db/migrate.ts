/**
 * Applies prisma/<provider>/migrations to a database through the WASM schema engine. Records them
 * in `_prisma_migrations`, the table `prisma migrate deploy` uses, so either tool can take over.
 *
 * Several processes share one SQLite file (the bot, `npm run jobs`, a cron's `--jobs --once`, a
 * second console, `npm run migrate`), and each migrates at start. The engine migrates a SQLite
 * file under `locking_mode = EXCLUSIVE`, which any other open connection blocks, and a busy file
 * made it die with an undecodable WASM error. So:
 *
 * - When nothing is pending (a plain read of `_prisma_migrations` against the migration folders)
 *   the engine is not started at all: the usual start takes no lock.
 * - Otherwise the engine takes its lock (SQLite's exclusive mode, PostgreSQL's advisory lock) for
 *   short attempts, re-reading what is pending between them (another process may have applied it
 *   meanwhile), for at most MIGRATION_LOCK_TIMEOUT_MS.
 * - A database that stays busy ends in a DatabaseBusyError: one line naming the migrations and
 *   what to do, no engine trace.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSchemaEngine } from './schema-engine.js';
import { providerSchemaPath, readMigrations } from './datamodel.js';
import { parseDatabaseUrl, redactUrl, type DatabaseTarget } from './provider.js';
import { MIGRATION_FILTERS } from './search-index.js';

/** How long a start (or `npm run migrate`) waits for the migration lock before giving up. */
export const MIGRATION_LOCK_TIMEOUT_MS = 10_000;
/** Each attempt's wait for SQLite's lock; short, so what is pending is read again between attempts. */
const MIGRATION_ATTEMPT_BUSY_MS = 1_000;
/** Pause between attempts on a busy database. */
const MIGRATION_RETRY_PAUSE_MS = 200;
/** The table Prisma records applied migrations in. */
const MIGRATIONS_TABLE = '_prisma_migrations';
/** The PostgreSQL engine's own message when its advisory lock wait runs out. */
const PG_ADVISORY_LOCK_TIMEOUT = /advisory lock/i;

export interface MigrateResult {
  applied: string[];
}

export interface MigrateOptions {
  /** The engine's log lines. */
  log?: (message: string) => void;
  /** Overrides MIGRATION_LOCK_TIMEOUT_MS (tests). */
  lockTimeoutMs?: number;
}

/** The database stayed locked by other connections for the whole bound: the message is one line. */
export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError';
}

/** What the database has not recorded as applied, and whether a migration is recorded as failed. */
export interface PendingMigrations {
  pending: string[];
  /** Names started but neither finished nor rolled back (the engine refuses to go on: P3009). */
  failed: string[];
}

/** Result of a read that may find the database locked. */
type Read<T> = { busy: true } | { busy: false; value: T };

export async function migrateDatabase(
  urlOrTarget: string | DatabaseTarget,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const target = typeof urlOrTarget === 'string' ? parseDatabaseUrl(urlOrTarget) : urlOrTarget;
  const bound = options.lockTimeoutMs ?? MIGRATION_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + bound;
  let waiting: string[] = [];
  for (;;) {
    const state = await readPending(target, Math.min(MIGRATION_ATTEMPT_BUSY_MS, bound));
    if (!state.busy) {
      if (state.value.pending.length === 0 && state.value.failed.length === 0) return { applied: [] };
      waiting = state.value.pending;
      const attempt = await applyPending(target, options.log, Math.min(MIGRATION_ATTEMPT_BUSY_MS, bound));
      if (!attempt.busy) return attempt.value;
    }
    if (Date.now() + MIGRATION_RETRY_PAUSE_MS >= deadline) throw busyError(target, waiting, bound);
    await sleep(MIGRATION_RETRY_PAUSE_MS);
  }
}

/**
 * Compares the migration folders with `_prisma_migrations`, without the engine and without any
 * lock beyond a read (a missing file or table means everything is pending).
 */
export async function pendingMigrations(urlOrTarget: string | DatabaseTarget): Promise<PendingMigrations> {
  const target = typeof urlOrTarget === 'string' ? parseDatabaseUrl(urlOrTarget) : urlOrTarget;
  const state = await readPending(target, MIGRATION_LOCK_TIMEOUT_MS);
  if (state.busy) throw busyError(target, [], MIGRATION_LOCK_TIMEOUT_MS);
  return state.value;
}

interface MigrationRow {
  migration_name: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

async function readPending(target: DatabaseTarget, busyTimeoutMs: number): Promise<Read<PendingMigrations>> {
  const folders = readMigrations(target.provider).migrationDirectories.map((d) => d.path);
  const rows = await readMigrationRows(target, busyTimeoutMs);
  if (rows.busy) return rows;
  const applied = new Set<string>();
  const failed: string[] = [];
  for (const r of rows.value) {
    if (r.rolled_back_at != null) continue;
    if (r.finished_at != null) applied.add(r.migration_name);
    else failed.push(r.migration_name);
  }
  return { busy: false, value: { pending: folders.filter((name) => !applied.has(name)), failed } };
}

const SELECT_ROWS = `SELECT migration_name, finished_at, rolled_back_at FROM ${MIGRATIONS_TABLE}`;

async function readMigrationRows(target: DatabaseTarget, busyTimeoutMs: number): Promise<Read<MigrationRow[]>> {
  if (target.provider === 'sqlite') {
    // A new in-memory database, or a file not created yet, has nothing applied.
    if (target.sqlitePath === ':memory:' || !existsSync(target.sqlitePath)) return { busy: false, value: [] };
    const { default: Database } = await import('better-sqlite3');
    let db: InstanceType<typeof Database> | undefined;
    try {
      db = new Database(target.sqlitePath, { fileMustExist: true, timeout: busyTimeoutMs });
      return { busy: false, value: db.prepare(SELECT_ROWS).all() as MigrationRow[] };
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      if (typeof e.code === 'string' && e.code.startsWith('SQLITE_BUSY')) return { busy: true };
      if (typeof e.message === 'string' && e.message.startsWith('no such table')) return { busy: false, value: [] };
      throw err;
    } finally {
      db?.close();
    }
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    // The URL's search_path names the schema; a missing schema or table means nothing applied.
    return { busy: false, value: (await client.query<MigrationRow>(SELECT_ROWS)).rows };
  } catch (err) {
    if ((err as { code?: unknown }).code === '42P01') return { busy: false, value: [] };
    throw err;
  } finally {
    await client.end();
  }
}

/** One run of the engine; `busy` when another connection held the lock it needs. */
async function applyPending(
  target: DatabaseTarget,
  log: ((message: string) => void) | undefined,
  busyTimeoutMs: number,
): Promise<Read<MigrateResult>> {
  if (target.provider === 'postgresql' && target.schema) await ensurePgSchema(target.url, target.schema);
  if (target.provider === 'sqlite' && target.sqlitePath !== ':memory:') {
    mkdirSync(path.dirname(target.sqlitePath), { recursive: true });
  }
  const schemaPath = providerSchemaPath(target.provider);
  const { engine, close, wasBusy } = await openSchemaEngine(
    target,
    { path: schemaPath, content: readFileSync(schemaPath, 'utf8') },
    { log, busyTimeoutMs },
  );
  try {
    const result = await engine.applyMigrations({
      migrationsList: readMigrations(target.provider),
      filters: MIGRATION_FILTERS,
    });
    return { busy: false, value: { applied: result.appliedMigrationNames } };
  } catch (err) {
    if (wasBusy() || (err instanceof Error && PG_ADVISORY_LOCK_TIMEOUT.test(err.message))) return { busy: true };
    throw err;
  } finally {
    await close();
  }
}

function busyError(target: DatabaseTarget, pending: string[], boundMs: number): DatabaseBusyError {
  const relative = target.provider === 'sqlite' ? path.relative(process.cwd(), target.sqlitePath) : '';
  const where =
    target.provider === 'sqlite'
      ? `The SQLite file ${relative && !relative.startsWith('..') ? relative : target.sqlitePath}`
      : `The PostgreSQL database ${redactUrl(target.url)}`;
  const what = pending.length
    ? `${pending.length} migration(s) (${pending.join(', ')}) could not be applied`
    : 'the migrations could not be checked';
  const others =
    target.provider === 'sqlite'
      ? 'stop the other processes using it (the bot, npm run jobs, consoles), then run `npm run migrate` or start again'
      : 'wait for the migration running elsewhere to finish, then start again';
  return new DatabaseBusyError(
    `${where} stayed busy for ${Math.round(boundMs / 1000)} s, so ${what}: ${others}.`,
  );
}

async function ensurePgSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
