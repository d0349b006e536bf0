/**
 * Prisma tasks that work offline (no native engine download):
 *   generate        generate both clients (src/generated/sqlite, src/generated/postgresql)
 *   migrate:new N   after editing prisma/schema.prisma: refresh the provider copies and write a
 *                   migration named N for each provider (`npm run migrate:new -- add_tags`)
 *   migrate         apply migrations to DATABASE_URL (default: the SQLite file)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  MIGRATION_LOCK,
  PROJECT_ROOT,
  PROVIDERS,
  migrationsDir,
  providerSchemaPath,
  providerSchemaText,
  readDatamodel,
} from '../src/db/datamodel.js';
import { openSchemaEngine } from '../src/db/schema-engine.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { parseDatabaseUrl, redactUrl } from '../src/db/provider.js';
import { loadEnv } from '../src/config/env.js';
import { MIGRATION_FILTERS } from '../src/db/search-index.js';

const FILTERS = MIGRATION_FILTERS;

/**
 * `prisma generate` needs no native engine, but the CLI checks that the schema engine binary
 * exists before any verb. Where it could not be downloaded, point the check at a stand-in.
 */
function prismaEnv(): NodeJS.ProcessEnv {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY) return process.env;
  const require = createRequire(import.meta.url);
  const enginesDir = path.dirname(require.resolve('@prisma/engines/package.json'));
  const hasNative = existsSync(enginesDir) && spawnSync('ls', [enginesDir]).stdout.toString().includes('schema-engine');
  if (hasNative) return process.env;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prisma-engine-'));
  const stub = path.join(dir, 'schema-engine');
  writeFileSync(stub, '#!/bin/sh\necho "schema engine stand-in: use npm run migrate" >&2\nexit 1\n');
  chmodSync(stub, 0o755);
  return { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
}

function generate(): void {
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
  const env = prismaEnv();
  for (const provider of PROVIDERS) {
    const result = spawnSync(process.execPath, [cli, 'generate', '--schema', providerSchemaPath(provider)], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (result.status !== 0) {
      process.stdout.write(result.stdout);
      throw new Error(`prisma generate failed for ${provider}`);
    }
    console.log(`generated the ${provider} client in src/generated/${provider}`);
  }
}

async function newMigration(name: string | undefined): Promise<void> {
  const datamodel = readDatamodel();
  const slug = (name ?? 'change').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'change';
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  for (const provider of PROVIDERS) {
    const next = providerSchemaText(datamodel, provider);
    const copyPath = providerSchemaPath(provider);
    const previous = existsSync(copyPath) ? readFileSync(copyPath, 'utf8') : undefined;
    // Schema-to-schema diff: no database needed. The committed copy is the state the existing
    // migrations produce (test/db/schema-drift.test.ts keeps that true).
    const { engine, close } = await openSchemaEngine(parseDatabaseUrl(':memory:'), {
      path: 'schema.prisma',
      content: next,
    });
    try {
      const diff = await engine.diff({
        from: previous
          ? { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: previous }] }
          : { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: next }] },
        script: true,
        exitCode: null,
        filters: FILTERS,
      } as never);
      const sql = String((diff as { stdout?: string }).stdout ?? '').trim();
      const dir = migrationsDir(provider);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'migration_lock.toml'), MIGRATION_LOCK(provider));
      if (sql && !sql.startsWith('-- This is an empty migration')) {
        const migrationDir = path.join(dir, `${stamp}_${slug}`);
        mkdirSync(migrationDir, { recursive: true });
        writeFileSync(path.join(migrationDir, 'migration.sql'), sql + '\n');
        console.log(`${provider}: wrote ${path.relative(PROJECT_ROOT, migrationDir)}/migration.sql`);
      } else {
        console.log(`${provider}: no schema change, no migration`);
      }
      writeFileSync(copyPath, next);
    } finally {
      await close();
    }
  }
  console.log('Now run `npm run generate` to refresh the clients.');
}

async function migrate(): Promise<void> {
  const env = loadEnv();
  const target = parseDatabaseUrl(env.DATABASE_URL);
  if (target.provider === 'sqlite') mkdirSync(path.dirname(target.sqlitePath), { recursive: true });
  console.log(`migrating ${redactUrl(env.DATABASE_URL)} (${target.provider})`);
  const { applied } = await migrateDatabase(target);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
}

const [verb, arg] = process.argv.slice(2);
try {
  if (verb === 'generate') generate();
  else if (verb === 'diff') await newMigration(arg);
  else if (verb === 'migrate') await migrate();
  else {
    console.error('usage: tsx scripts/prisma.ts generate | diff <name> | migrate');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
