/**
 * Applies prisma/<provider>/migrations to a database through the WASM schema engine. Records them
 * in `_prisma_migrations`, the table `prisma migrate deploy` uses, so either tool can take over.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openSchemaEngine } from './schema-engine.js';
import { providerSchemaPath, readMigrations } from './datamodel.js';
import { parseDatabaseUrl, type DatabaseTarget } from './provider.js';

export interface MigrateResult {
  applied: string[];
}

export async function migrateDatabase(
  urlOrTarget: string | DatabaseTarget,
  log: (message: string) => void = () => {},
): Promise<MigrateResult> {
  const target = typeof urlOrTarget === 'string' ? parseDatabaseUrl(urlOrTarget) : urlOrTarget;
  if (target.provider === 'postgresql' && target.schema) await ensurePgSchema(target.url, target.schema);
  if (target.provider === 'sqlite' && target.sqlitePath !== ':memory:') {
    mkdirSync(path.dirname(target.sqlitePath), { recursive: true });
  }
  const schemaPath = providerSchemaPath(target.provider);
  const { engine, close } = await openSchemaEngine(
    target,
    { path: schemaPath, content: readFileSync(schemaPath, 'utf8') },
    log,
  );
  try {
    const result = await engine.applyMigrations({
      migrationsList: readMigrations(target.provider),
      filters: { externalTables: [], externalEnums: [] },
    });
    return { applied: result.appliedMigrationNames };
  } finally {
    await close();
  }
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
