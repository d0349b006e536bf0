/**
 * The CSV importer's connection through the database driver itself (better-sqlite3, pg), on a
 * connection of its own, as restore writes (src/data/bulk.ts): many rows per prepared INSERT, each
 * value bound as the CRM stores it, one transaction. Handed to the domain as
 * `CrmOptions.importConnector` by the CLI (scripts/import.ts), the bench and the tests.
 */
import type { DatabaseTarget } from '../db/provider.js';
import { bindValue, numbered, type SqlConnector, type SqlSession } from '../domain/import/import.sql.js';

/** Bound values per statement (SQLite allows 32,766, PostgreSQL 65,535). */
export const IMPORT_PARAMS_PER_STATEMENT = 10_000;
/** SQLite's page cache while importing (KiB): the indexes being filled stay in memory. */
const IMPORT_SQLITE_CACHE_KB = 32 * 1024;
/** Prepared INSERTs kept (SQLite). */
const STATEMENTS_KEPT = 24;
/** How long the import waits for another writer to finish (SQLite). */
const IMPORT_SQLITE_BUSY_MS = 30_000;

export function driverConnector(target: DatabaseTarget): SqlConnector {
  return (mode) => (target.provider === 'sqlite' ? sqliteSession(target.sqlitePath, mode) : postgresSession(target.url, mode));
}

async function sqliteSession(file: string, mode: 'read' | 'write'): Promise<SqlSession> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { fileMustExist: true });
  db.pragma(`busy_timeout = ${IMPORT_SQLITE_BUSY_MS}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = ${-IMPORT_SQLITE_CACHE_KB}`);
  db.exec(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
  // Prepared statements are kept for the INSERTs, whose shapes repeat batch after batch; a lookup's
  // IN list has a length of its own each time, and a statement of thousands of bound values is a
  // program of its own in SQLite's memory: kept, they were most of the import's peak RSS.
  const statements = new Map<string, ReturnType<typeof db.prepare>>();
  const prepare = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      if (!sql.includes(' IN (')) {
        if (statements.size >= STATEMENTS_KEPT) statements.delete(statements.keys().next().value!);
        statements.set(sql, stmt);
      }
    }
    return stmt;
  };
  const close = () => {
    if (db.open) db.close();
  };
  return {
    conn: {
      provider: 'sqlite',
      maxParams: IMPORT_PARAMS_PER_STATEMENT,
      query(sql, params = []) {
        const stmt = prepare(sql).safeIntegers(true);
        return Promise.resolve(stmt.all(params.map((v) => bindValue('sqlite', v))) as Record<string, unknown>[]);
      },
      execute(sql, params = []) {
        prepare(sql).run(params.map((v) => bindValue('sqlite', v)));
        return Promise.resolve();
      },
    },
    commit() {
      try {
        db.exec('COMMIT');
      } finally {
        close();
      }
      return Promise.resolve();
    },
    rollback() {
      if (db.open && db.inTransaction) db.exec('ROLLBACK');
      close();
      return Promise.resolve();
    },
  };
}

async function postgresSession(url: string, mode: 'read' | 'write'): Promise<SqlSession> {
  const { default: pg } = await import('pg');
  const TIMESTAMP = 1114;
  const client = new pg.Client({
    connectionString: url,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === TIMESTAMP ? (s: string) => new Date(`${s.replace(' ', 'T')}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect();
  const schema = new URL(url).searchParams.get('schema');
  if (schema) await client.query(`SET search_path TO "${schema.replace(/"/g, '""')}"`);
  await client.query(mode === 'write' ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  return {
    conn: {
      provider: 'postgresql',
      maxParams: IMPORT_PARAMS_PER_STATEMENT,
      async query(sql, params = []) {
        return (await client.query(numbered('postgresql', sql), params.map((v) => bindValue('postgresql', v)))).rows as Record<string, unknown>[];
      },
      async execute(sql, params = []) {
        await client.query(numbered('postgresql', sql), params.map((v) => bindValue('postgresql', v)));
      },
    },
    async commit() {
      try {
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
    },
    async rollback() {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
}
