/**
 * For migration tests: a new empty database and the migrations up to (not including) one, as a
 * database deployed before that migration would be. The test then writes rows as the app of that
 * time did (raw SQL: the old tables), runs the real migration (`migrateDatabase`) and checks what
 * the rows became. On SQLite (default) and on PostgreSQL (TEST_DATABASE_URL).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { providerSchemaPath, readMigrations } from '../../src/db/datamodel.js';
import { parseDatabaseUrl } from '../../src/db/provider.js';
import { openSchemaEngine } from '../../src/db/schema-engine.js';
import { testDatabaseProvider } from './db-config.js';
import { MIGRATION_FILTERS } from '../../src/db/search-index.js';

/** A new empty database (a SQLite file, or a PostgreSQL schema of its own) and a way to drop it. */
export async function emptyDatabase(label = 'mig'): Promise<{ url: string; drop: () => Promise<void> }> {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (testDatabaseProvider() === 'postgresql' && pgUrl) {
    const schema = `crm_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
    const { default: pg } = await import('pg');
    const base = new URL(pgUrl);
    base.searchParams.delete('schema');
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: base.toString() });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE SCHEMA "${schema}"`);
    const u = new URL(pgUrl);
    u.searchParams.set('schema', schema);
    return { url: u.toString(), drop: () => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`) };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `crm-${label}-`));
  return { url: `file:${path.join(dir, 'crm.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Applies every migration before the one whose folder name matches `migration` (e.g.
 * `/_member_roles$/`); returns that migration's folder name, which `migrateDatabase` then applies first.
 */
export async function migrateToBefore(url: string, migration: RegExp): Promise<string> {
  const target = parseDatabaseUrl(url);
  const all = readMigrations(target.provider);
  const index = all.migrationDirectories.findIndex((d) => migration.test(d.path));
  expect(index, `a migration matching ${migration}`).toBeGreaterThan(0);
  const schemaPath = providerSchemaPath(target.provider);
  const { engine, close } = await openSchemaEngine(target, { path: schemaPath, content: readFileSync(schemaPath, 'utf8') });
  try {
    await engine.applyMigrations({
      migrationsList: { ...all, migrationDirectories: all.migrationDirectories.slice(0, index) },
      filters: MIGRATION_FILTERS,
    } as never);
  } finally {
    await close();
  }
  return all.migrationDirectories[index]!.path;
}

/** A timestamp literal both databases read as UTC. */
export const at = (iso: string) => `'${iso.replace('Z', '+00:00')}'`;
