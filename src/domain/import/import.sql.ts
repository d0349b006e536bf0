/**
 * The importer's one transaction, as a port: a connection that reads and writes plain SQL with
 * bound values, many rows per INSERT. Restore showed that 500,000 rows through Prisma's query layer
 * cost minutes and hundreds of MB of garbage (bench/README.md, "Backup, restore and export"), so
 * the CLI and the bench hand the domain a connection of the database driver itself
 * (src/data/import-connection.ts, through `CrmOptions.importConnector`); without one, the same SQL
 * runs through Prisma's interactive transaction (`prismaConnector`), fine for a chat upload.
 *
 * The SQL is written once with `?` placeholders (numbered `$n` for PostgreSQL here) and every
 * value is bound as the CRM stores it: SQLite DateTime as ISO 8601 with `+00:00`, booleans 0/1;
 * PostgreSQL timestamps as ISO text (a `timestamp without time zone` keeps the UTC wall time, as
 * Prisma writes it), bigints as text.
 */
import { isSqliteClient, type Db } from '../../db/client.js';
import { takesRowLocks } from '../context.js';

export type SqlProvider = 'sqlite' | 'postgresql';

export interface SqlConn {
  provider: SqlProvider;
  /** Bound values per statement this connection takes. */
  maxParams: number;
  /** Rows as the driver gives them (read them with `asDate`, `asBig`, `asNum`). */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
}

export interface SqlSession {
  conn: SqlConn;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * Opens one transaction: `write` takes the database's write lock first (SQLite `BEGIN IMMEDIATE`),
 * `read` is a snapshot for a dry run (rolled back).
 */
export type SqlConnector = (mode: 'read' | 'write') => Promise<SqlSession>;

/** `?` → `$1, $2…` for PostgreSQL. */
export function numbered(provider: SqlProvider, sql: string): string {
  if (provider === 'sqlite') return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A value as the CRM stores it on `provider`. */
export function bindValue(provider: SqlProvider, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return provider === 'sqlite' ? v.toISOString().replace('Z', '+00:00') : v.toISOString();
  if (typeof v === 'boolean') return provider === 'sqlite' ? (v ? 1 : 0) : v;
  if (typeof v === 'bigint') return provider === 'sqlite' ? v : v.toString();
  return v;
}

export const asDate = (v: unknown): Date | null =>
  v === null || v === undefined ? null : v instanceof Date ? v : new Date(typeof v === 'bigint' ? Number(v) : (v as string | number));
export const asBig = (v: unknown): bigint | null => (v === null || v === undefined ? null : typeof v === 'bigint' ? v : BigInt(v as string | number));
export const asNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const asStr = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Inserts rows (values in `columns` order) in as few statements as the connection's bound-value limit allows. */
export async function insertRows(conn: SqlConn, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const per = Math.max(1, Math.floor(conn.maxParams / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    for (const row of chunk) for (const v of row) params.push(v);
    await conn.execute(`${head}${chunk.map(() => tuple).join(', ')}`, params);
  }
}

/** `"col" IN (?, ?, …)` with its values, for at most `conn.maxParams` values (callers chunk). */
export const inList = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;

/** Runs `fn` over `values` in chunks that fit a statement beside `reserved` other values. */
export async function inChunks<T, R>(conn: SqlConn, values: readonly T[], reserved: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const per = Math.max(1, Math.min(900, conn.maxParams - reserved));
  const out: R[] = [];
  for (let i = 0; i < values.length; i += per) out.push(...(await fn(values.slice(i, i + per))));
  return out;
}

/** How long an import's transaction through Prisma may run (a big file through the fallback). */
const PRISMA_IMPORT_TIMEOUT_MS = 30 * 60_000;

class RolledBack extends Error {}

/**
 * The fallback connector: Prisma's interactive transaction on the CRM's own client (999 values a
 * statement: Prisma's limit on SQLite).
 */
export function prismaConnector(db: Db): SqlConnector {
  const provider: SqlProvider = isSqliteClient(db) || !takesRowLocks(db) ? 'sqlite' : 'postgresql';
  return async (mode) => {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    let opened!: (conn: SqlConn) => void;
    const ready = new Promise<SqlConn>((resolve) => (opened = resolve));
    const done = db.$transaction(
      async (tx) => {
        if (mode === 'write' && provider === 'sqlite') await tx.$executeRawUnsafe('UPDATE "Workspace" SET "id" = "id" WHERE 1 = 0');
        opened({
          provider,
          maxParams: 999,
          query: (sql, params = []) => tx.$queryRawUnsafe<Record<string, unknown>[]>(numbered(provider, sql), ...params.map((v) => bindValue(provider, v))),
          execute: async (sql, params = []) => void (await tx.$executeRawUnsafe(numbered(provider, sql), ...params.map((v) => bindValue(provider, v)))),
        });
        if (!(await decided)) throw new RolledBack();
      },
      { maxWait: 20_000, timeout: PRISMA_IMPORT_TIMEOUT_MS },
    );
    const conn = await Promise.race([ready, done.then(() => Promise.reject(new Error('the import transaction ended before it began')))]);
    return {
      conn,
      commit: async () => {
        finish(true);
        await done;
      },
      rollback: async () => {
        finish(false);
        await done.catch((err: unknown) => {
          if (!(err instanceof RolledBack)) throw err;
        });
      },
    };
  };
}
