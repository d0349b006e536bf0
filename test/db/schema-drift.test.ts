/**
 * One datamodel, two providers: fails when a provider's schema copy, generated client or
 * migrations folder is out of date with prisma/schema.prisma. The fix it asks for is in the
 * failure message.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { MIGRATION_FILTERS } from '../../src/db/search-index.js';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import {
  PROVIDERS,
  generatedClientDir,
  providerSchemaPath,
  providerSchemaText,
  readDatamodel,
  readMigrations,
} from '../../src/db/datamodel.js';
import { parseDatabaseUrl, type Provider } from '../../src/db/provider.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { openSchemaEngine, type OpenEngine } from '../../src/db/schema-engine.js';

const squash = (s: string) => s.replace(/\/\/[^\n]*/g, '').replace(/\s+/g, ' ').trim();

function generatedInlineSchema(provider: Provider): string {
  const source = readFileSync(path.join(generatedClientDir(provider), 'internal', 'class.ts'), 'utf8');
  const m = /"inlineSchema":\s*("(?:[^"\\]|\\.)*")/.exec(source);
  if (!m?.[1]) throw new Error(`no inlineSchema in the generated ${provider} client`);
  return JSON.parse(m[1]) as string;
}

describe.each(PROVIDERS)('%s', (provider) => {
  it('has a schema copy equal to the datamodel (else run `npm run migrate:new -- <name>`)', () => {
    const copy = readFileSync(providerSchemaPath(provider), 'utf8');
    expect(copy, 'prisma/schema.prisma changed: run `npm run migrate:new -- <name>`').toBe(
      providerSchemaText(readDatamodel(), provider),
    );
  });

  it('has a generated client built from the schema copy (else run `npm run generate`)', () => {
    const copy = readFileSync(providerSchemaPath(provider), 'utf8');
    expect(squash(generatedInlineSchema(provider)), 'the client is stale: run `npm run generate`').toBe(squash(copy));
  });

  it('has migrations that produce exactly the schema copy (else run `npm run migrate:new -- <name>`)', async () => {
    const copy = readFileSync(providerSchemaPath(provider), 'utf8');
    if (provider === 'sqlite') {
      // Replay the migrations on a fresh file, introspect it, and diff that against the copy.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-drift-'));
      const target = parseDatabaseUrl(`file:${path.join(dir, 'drift.db')}`);
      await migrateDatabase(target);
      const { engine, close } = await openSchemaEngine(target, { path: 'schema.prisma', content: copy });
      try {
        const introspected = await engine.introspect({
          schema: { files: [{ path: 'schema.prisma', content: copy }] },
          baseDirectoryPath: '.',
          force: false,
          compositeTypeDepth: -1,
          namespaces: null,
        } as never);
        const fromDb = introspected.schema.files[0]!.content;
        expect(await schemaDiff(engine, fromDb, copy), 'migrations are behind the schema').toBe('');
      } finally {
        await close();
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    // PostgreSQL (the WASM engine cannot introspect through the pg adapter): replay the
    // migrations in one fresh schema, create the copy from scratch in another, and compare the
    // two catalogs. Needs the test server, so only when TEST_DATABASE_URL is set (as in CI).
    const pgUrl = process.env.TEST_DATABASE_URL;
    if (!pgUrl || parseDatabaseUrl(pgUrl).provider !== 'postgresql') {
      expect(readMigrations(provider).migrationDirectories.length).toBeGreaterThan(0);
      return;
    }
    const { default: pg } = await import('pg');
    const base = new URL(pgUrl);
    base.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: base.toString() });
    await client.connect();
    const suffix = `${process.pid}_${Date.now()}`;
    const [migrated, fresh] = [`drift_m_${suffix}`, `drift_f_${suffix}`];
    try {
      const m = new URL(base);
      m.searchParams.set('schema', migrated);
      await migrateDatabase(m.toString());
      const { engine, close } = await openSchemaEngine(parseDatabaseUrl(':memory:'), { path: 'schema.prisma', content: copy });
      let createSql: string;
      try {
        createSql = (
          (await engine.diff({
            from: { tag: 'empty' },
            to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: copy }] },
            script: true,
            exitCode: null,
            filters: MIGRATION_FILTERS,
          } as never)) as { stdout: string }
        ).stdout;
      } finally {
        await close();
      }
      await client.query(`CREATE SCHEMA "${fresh}"; SET search_path TO "${fresh}";`);
      await client.query(createSql);
      expect(await pgCatalog(client, migrated), 'migrations are behind the schema').toEqual(await pgCatalog(client, fresh));
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${migrated}" CASCADE; DROP SCHEMA IF EXISTS "${fresh}" CASCADE;`);
      await client.end();
    }
  });
});

async function schemaDiff(engine: OpenEngine['engine'], from: string, to: string): Promise<string> {
  const result = (await engine.diff({
    from: { tag: 'schemaDatamodel', files: [{ path: 'from.prisma', content: from }] },
    to: { tag: 'schemaDatamodel', files: [{ path: 'to.prisma', content: to }] },
    script: true,
    exitCode: null,
    filters: MIGRATION_FILTERS,
  } as never)) as { stdout: string };
  return result.stdout.replace('-- This is an empty migration.', '').trim();
}

/** Tables, columns, indexes and constraints of a schema, with the schema's name taken out. */
async function pgCatalog(client: Client, schema: string) {
  const columns = await client.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = $1 AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`,
    [schema],
  );
  const indexes = await client.query(
    `SELECT tablename, indexname, replace(indexdef, $1, 'S') AS def FROM pg_indexes
     WHERE schemaname = $2 AND tablename <> '_prisma_migrations' ORDER BY tablename, indexname`,
    [`"${schema}".`, schema],
  );
  const constraints = await client.query(
    `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(c.oid) AS def
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE n.nspname = $1 AND conrelid::regclass::text NOT LIKE '%_prisma_migrations%' ORDER BY 1, 2`,
    [schema],
  );
  const strip = (v: unknown) => String(v).replaceAll(`"${schema}".`, '').replaceAll(`${schema}.`, '');
  return {
    columns: columns.rows,
    indexes: indexes.rows.map((r) => ({ ...r, def: strip(r.def) })),
    constraints: constraints.rows.map((r) => ({ tbl: strip(r.tbl), conname: r.conname, def: strip(r.def) })),
  };
}
