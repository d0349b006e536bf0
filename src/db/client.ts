/**
 * The Prisma client for DATABASE_URL: SQLite (embedded default, better-sqlite3 driver adapter) or
 * PostgreSQL (pg driver adapter). Both generated clients share one datamodel; the domain is typed
 * against the SQLite client, whose query API is the subset both providers support.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.js';
import { parseDatabaseUrl, type DatabaseTarget } from './provider.js';

export type Db = SqliteClient;
/** A client or the transaction client handed to `$transaction(async (tx) => …)`. */
export type Tx = Omit<Db, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

const sqliteClients = new WeakSet<object>();

/** True for a client opened on SQLite (it needs the write lock taken at the start of a transaction). */
export function isSqliteClient(db: object): boolean {
  return sqliteClients.has(db);
}

export interface DbHandle {
  db: Db;
  target: DatabaseTarget;
  close(): Promise<void>;
}

/**
 * better-sqlite3 runs each query synchronously and Prisma chains one request's queries as
 * microtasks, so a request's queries ran back to back while every other request, a Slack
 * acknowledgement included, waited for all of them. Yielding to the event loop before each query
 * outside a transaction lets waiting requests in between (bench/README.md, Slack load). Queries
 * inside a transaction do not yield: the transaction holds SQLite's write lock.
 */
function yieldingBetweenQueries(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const queryRaw = adapter.queryRaw.bind(adapter);
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.queryRaw = async (query) => {
      await nextTurn();
      return queryRaw(query);
    };
    adapter.executeRaw = async (query) => {
      await nextTurn();
      return executeRaw(query);
    };
    return adapter;
  };
  return factory;
}

/** SQLite waits this long for a competing writer (a job worker, say) before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

export async function openDatabase(urlOrTarget: string | DatabaseTarget): Promise<DbHandle> {
  const target = typeof urlOrTarget === 'string' ? parseDatabaseUrl(urlOrTarget) : urlOrTarget;
  let db: Db;
  if (target.provider === 'sqlite') {
    if (target.sqlitePath !== ':memory:') mkdirSync(path.dirname(target.sqlitePath), { recursive: true });
    db = new SqliteClient({
      adapter: yieldingBetweenQueries(new PrismaBetterSqlite3({ url: target.sqlitePath, timeout: SQLITE_BUSY_TIMEOUT_MS })),
    });
    // WAL lets readers run beside one writer; NORMAL sync is safe with WAL.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    await db.$queryRawUnsafe(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    await db.$queryRawUnsafe('PRAGMA foreign_keys = ON');
    // Planner statistics, so SQLite picks the right one of the Deal indexes; bounded (SQLite's
    // advice for long-lived connections), and a no-op when they are fresh.
    await db.$queryRawUnsafe('PRAGMA analysis_limit = 1000');
    await db.$queryRawUnsafe('PRAGMA optimize = 0x10002');
    sqliteClients.add(db);
  } else {
    const adapter = new PrismaPg(
      { connectionString: target.url, max: 10 },
      target.schema ? { schema: target.schema } : undefined,
    );
    db = new PostgresClient({ adapter }) as unknown as Db;
  }
  return { db, target, close: () => db.$disconnect() };
}
