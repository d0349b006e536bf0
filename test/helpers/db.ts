/**
 * A fresh, migrated database per call: a copy of the migrated SQLite template in a temp folder,
 * or, when TEST_DATABASE_URL points at PostgreSQL, a schema of its own (so parallel files and
 * concurrent CI runs never collide), dropped at the end.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { parseDatabaseUrl } from '../../src/db/provider.js';
import { createCrm, type Crm } from '../../src/domain/index.js';
import { FixedClock } from '../../src/domain/ports.js';

export interface TestDb {
  url: string;
  handle: DbHandle;
  crm: Crm;
  clock: FixedClock;
  provider: 'sqlite' | 'postgresql';
  cleanup(): Promise<void>;
}

export const TEST_NOW = new Date('2026-11-24T10:00:00.000Z');

export async function createTestDb(now: Date = TEST_NOW): Promise<TestDb> {
  const pgUrl = process.env.TEST_DATABASE_URL;
  let url: string;
  let drop: () => Promise<void>;
  if (pgUrl && parseDatabaseUrl(pgUrl).provider === 'postgresql') {
    const schema = `crm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const u = new URL(pgUrl);
    u.searchParams.set('schema', schema);
    url = u.toString();
    await migrateDatabase(url);
    drop = async () => {
      const { default: pg } = await import('pg');
      const base = new URL(pgUrl);
      base.searchParams.delete('schema');
      const client = new pg.Client({ connectionString: base.toString() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    };
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-db-'));
    const file = path.join(dir, 'crm.db');
    copyFileSync(inject('sqliteTemplate'), file);
    url = `file:${file}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const handle = await openDatabase(url);
  const clock = new FixedClock(now);
  const crm = createCrm(handle.db, clock);
  return {
    url,
    handle,
    crm,
    clock,
    provider: handle.target.provider,
    cleanup: async () => {
      await handle.close();
      await drop();
    },
  };
}
