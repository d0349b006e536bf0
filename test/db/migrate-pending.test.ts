/**
 * The migration step on a database that is up to date takes no lock: it reads `_prisma_migrations`
 * and stops. On SQLite (default) and on PostgreSQL (TEST_DATABASE_URL). Applying a pending
 * migration and the busy answer are in test/e2e/shared-sqlite.test.ts, through the built app.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/db/datamodel.js';
import { migrateDatabase, pendingMigrations } from '../../src/db/migrate.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { testDatabaseProvider } from '../helpers/db-config.js';

/** The key of the schema engine's PostgreSQL migration lock (`SELECT pg_advisory_lock(72707369)`). */
const PG_MIGRATION_LOCK_KEY = 72707369;
/** Short, so a start that did go for the lock fails here at once instead of after 10 s. */
const LOCK_TIMEOUT_MS = 1_000;

const provider = testDatabaseProvider();
let t: TestDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** Holds what the engine needs to migrate: a read transaction on SQLite, the advisory lock on PostgreSQL. */
async function holdMigrationLock(url: string): Promise<() => Promise<void>> {
  if (provider === 'sqlite') {
    const db = new Database(url.slice('file:'.length));
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM _prisma_migrations').get();
    return async () => {
      db.exec('COMMIT');
      db.close();
    };
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK_KEY]);
  return async () => {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK_KEY]);
    await client.end();
  };
}

/** Runs SQL on the test database's own connection (a test fixture, not a domain write). */
const exec = (sql: string) => t!.handle.db.$executeRawUnsafe(sql);

describe(`migrations on ${provider}`, () => {
  it('up to date: the start reads _prisma_migrations and takes no lock, so one held elsewhere changes nothing', async () => {
    t = await createTestDb();
    const release = await holdMigrationLock(t.url);
    try {
      await expect(migrateDatabase(t.url, { lockTimeoutMs: LOCK_TIMEOUT_MS })).resolves.toEqual({ applied: [] });
    } finally {
      await release();
    }
  });

  it('names each migration folder missing from _prisma_migrations as pending, and one left unfinished as failed', async () => {
    t = await createTestDb();
    const names = readMigrations(provider).migrationDirectories.map((d) => d.path);
    const [first, newest] = [names[0]!, names.at(-1)!];
    expect(await pendingMigrations(t.url)).toEqual({ pending: [], failed: [] });

    await exec(`DELETE FROM _prisma_migrations WHERE migration_name = '${newest}'`);
    expect(await pendingMigrations(t.url)).toEqual({ pending: [newest], failed: [] });

    // A rolled-back row does not count as applied; an unfinished one is a failed migration.
    await exec(`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${first}'`);
    expect(await pendingMigrations(t.url)).toEqual({ pending: [first, newest], failed: [first] });
    await exec(`UPDATE _prisma_migrations SET rolled_back_at = started_at WHERE migration_name = '${first}'`);
    expect(await pendingMigrations(t.url)).toEqual({ pending: [first, newest], failed: [] });
  });
});
