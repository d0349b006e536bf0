/**
 * Backup's reader and restore's writer. Restore's rows go in through the database driver itself (better-sqlite3, pg) in one
 * transaction, many rows per prepared statement, each value bound in the representation Prisma
 * writes (test/data/backup-restore.test.ts compares SQLite's stored text with the source's). Going
 * around Prisma's query layer here made a restore of 575,000 rows several times faster and kept
 * its memory flat (bench/README.md, "Backup, restore and export").
 */
import type { DatabaseTarget } from '../db/provider.js';
import { placeholder, quote, type ColumnType } from './catalog.js';
import { DataError } from './errors.js';

/** Bind values per INSERT statement (SQLite allows 32,766, PostgreSQL 65,535). */
export const BULK_PARAMS_PER_STATEMENT = 10_000;
/** SQLite's page cache while restoring (KiB): the indexes being filled stay in memory. */
export const RESTORE_SQLITE_CACHE_KB = 64 * 1024;

export interface BulkColumn {
  name: string;
  type: ColumnType;
}

export interface BulkWriter {
  /** Rows of decoded values (codec.ts `decode`), in `columns` order. */
  insert(table: string, columns: BulkColumn[], rows: unknown[][]): Promise<void>;
  /** Checks what was deferred (SQLite's foreign keys), moves sequences on, and commits. */
  commit(file: string): Promise<void>;
  /** Rolls back (after a failure) and closes. */
  rollback(): Promise<void>;
}

export async function openBulkWriter(target: DatabaseTarget): Promise<BulkWriter> {
  return target.provider === 'sqlite' ? sqliteWriter(target.sqlitePath) : postgresWriter(target.url);
}

function sqlFor(provider: 'sqlite' | 'postgresql', table: string, columns: BulkColumn[], rows: number): string {
  let n = 0;
  const tuple = () => `(${columns.map(() => placeholder(provider, ++n)).join(', ')})`;
  return `INSERT INTO ${quote(table)} (${columns.map((c) => quote(c.name)).join(', ')}) VALUES ${Array.from({ length: rows }, tuple).join(', ')}`;
}

/** As Prisma's SQLite adapter stores a DateTime: ISO 8601 with a `+00:00` offset. */
const sqliteDate = (d: Date) => d.toISOString().replace('Z', '+00:00');

async function sqliteWriter(file: string): Promise<BulkWriter> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = ${-RESTORE_SQLITE_CACHE_KB}`);
  // Checked once for every row at the end, in the same transaction (PRAGMA foreign_key_check).
  db.pragma('foreign_keys = OFF');
  db.exec('BEGIN');
  const statements = new Map<string, ReturnType<typeof db.prepare>>();
  const close = () => {
    if (db.open) db.close();
  };
  return {
    insert(table, columns, rows) {
      const key = `${table}|${columns.map((c) => c.name).join(',')}|${rows.length}`;
      let stmt = statements.get(key);
      if (!stmt) {
        if (statements.size > 100) statements.clear();
        statements.set(key, (stmt = db.prepare(sqlFor('sqlite', table, columns, rows.length))));
      }
      const params: unknown[] = [];
      for (const row of rows) {
        for (let i = 0; i < columns.length; i++) {
          const v = row[i];
          params.push(v === null ? null : v instanceof Date ? sqliteDate(v) : typeof v === 'boolean' ? (v ? 1 : 0) : v);
        }
      }
      stmt.run(params);
      return Promise.resolve();
    },
    commit(source) {
      try {
        const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
        if (broken.length > 0) {
          const first = broken[0]!;
          throw new DataError(
            `${source} has ${broken.length.toLocaleString('en-US')} row${broken.length === 1 ? '' : 's'} pointing at rows it does not have (first: a ${first.table} row's ${first.parent}): the file is damaged, so nothing was restored.`,
          );
        }
        db.exec('COMMIT');
        db.pragma('foreign_keys = ON');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        close();
        throw err;
      }
      close();
      return Promise.resolve();
    },
    rollback() {
      if (db.open && db.inTransaction) db.exec('ROLLBACK');
      close();
      return Promise.resolve();
    },
  };
}

async function postgresWriter(url: string): Promise<BulkWriter> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  const names = new Map<string, string>();
  return {
    async insert(table, columns, rows) {
      const key = `${table}|${columns.map((c) => c.name).join(',')}|${rows.length}`;
      let name = names.get(key);
      if (!name) names.set(key, (name = `restore_${names.size + 1}`));
      const params: unknown[] = [];
      for (const row of rows) {
        for (let i = 0; i < columns.length; i++) {
          const v = row[i];
          // A timestamp without time zone ignores the Z: it keeps the UTC wall time, as Prisma does.
          params.push(v === null ? null : v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
        }
      }
      await client.query({ name, text: sqlFor('postgresql', table, columns, rows.length), values: params });
    },
    async commit() {
      try {
        await resetSequences(client);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end();
        throw err;
      }
      await client.end();
    },
    async rollback() {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
}

/** Every serial or identity column's sequence continues after the restored values. */
async function resetSequences(client: { query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> }): Promise<void> {
  const { rows } = await client.query(
    `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
      WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`,
  );
  for (const { table, column } of rows as { table: string; column: string }[]) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${quote(column)}) FROM ${quote(table)}), 0) + 1, false)`,
      [quote(table), column],
    );
  }
}

/** A read-only snapshot through the driver: one transaction, closed by `close()`. */
export interface SnapshotReader {
  provider: 'sqlite' | 'postgresql';
  /** Rows as the driver gives them (normalize with codec.ts before use). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Backup's reader: SQLite through its own better-sqlite3 connection in a deferred transaction
 * (a WAL snapshot: the CRM's writers go on), PostgreSQL in a REPEATABLE READ, READ ONLY
 * transaction. Integers come back as bigint on SQLite (exact past 2^53), PostgreSQL's timestamps
 * without time zone as the UTC instants they hold.
 */
export async function openSnapshot(target: DatabaseTarget): Promise<SnapshotReader> {
  if (target.provider === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(target.sqlitePath, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN');
    const statements = new Map<string, ReturnType<typeof db.prepare>>();
    return {
      provider: 'sqlite',
      query(sql, params = []) {
        let stmt = statements.get(sql);
        if (!stmt) {
          if (statements.size > 100) statements.clear();
          statements.set(sql, (stmt = db.prepare(sql).safeIntegers(true)));
        }
        return Promise.resolve(stmt.all(params) as Record<string, unknown>[]);
      },
      close() {
        if (db.inTransaction) db.exec('COMMIT');
        db.close();
        return Promise.resolve();
      },
    };
  }
  const { default: pg } = await import('pg');
  const TIMESTAMP = 1114;
  const client = new pg.Client({
    connectionString: target.url,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === TIMESTAMP ? (s: string) => new Date(`${s.replace(' ', 'T')}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  return {
    provider: 'postgresql',
    async query(sql, params = []) {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    },
    async close() {
      await client.query('COMMIT').catch(() => undefined);
      await client.end();
    },
  };
}
