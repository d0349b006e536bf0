/**
 * The Prisma client for DATABASE_URL: SQLite (embedded default, better-sqlite3 driver adapter) or
 * PostgreSQL (pg driver adapter). Both generated clients share one datamodel; the domain is typed
 * against the SQLite client, whose query API is the subset both providers support.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
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
 * The one better-sqlite3 connection a process holds, made fair and isolated:
 *
 * - Fair: better-sqlite3 runs each query synchronously and Prisma chains one request's queries as
 *   microtasks, so a request's queries ran back to back while every other request, a Slack
 *   acknowledgement included, waited for all of them. Each query outside a transaction now first
 *   yields to the event loop, so waiting requests get in between (bench/README.md, Slack load).
 * - Isolated: a transaction is a BEGIN on that same connection, and the driver only queues
 *   transactions behind each other; a query outside any transaction that ran while one was open
 *   would read its uncommitted rows, or write inside it and be rolled back with it. Queries
 *   outside a transaction now wait until no transaction is open or waiting to open. (So code
 *   inside a transaction must use its `tx`, never the client: that query would wait for the
 *   transaction it is part of.)
 */
/**
 * Resolves in a later turn of the event loop, one waiter per turn, first come first served: so
 * between any two queries Node polls for I/O (a new request is read and acknowledged) instead of
 * running every waiting request's next query back to back.
 */
const turnQueue: (() => void)[] = [];
/** Queries run inside `firstInLine`: served before every other waiting query. */
const urgentQueue: (() => void)[] = [];
const urgent = new AsyncLocalStorage<true>();
function oneQueryPerTurn(): Promise<void> {
  return new Promise<void>((resume) => {
    (urgent.getStore() ? urgentQueue : turnQueue).push(resume);
    if (urgentQueue.length + turnQueue.length === 1) setImmediate(nextInQueue);
  });
}
function nextInQueue(): void {
  (urgentQueue.shift() ?? turnQueue.shift())?.();
  // Queued from inside a check-phase callback, this runs in the next turn, after the poll phase.
  if (urgentQueue.length + turnQueue.length > 0) setImmediate(nextInQueue);
}

/**
 * Runs `fn` with its SQLite queries ahead of the line of queries waiting for a turn: for the one
 * short write an acknowledgement waits on (the Slack inbox's record), which would otherwise wait
 * behind every query of the work already running (bench/README.md, "Slack inbox"). A no-op on
 * PostgreSQL, whose pool has no such line.
 */
export function firstInLine<T>(fn: () => PromiseLike<T>): Promise<T> {
  // Awaited inside: Prisma's queries start when awaited, and must start in this context.
  return urgent.run(true, async () => await fn());
}

/** Statements kept prepared per connection (the SQL texts the CRM sends are a few hundred). */
export const PREPARED_STATEMENTS_KEPT = 500;

/** What the driver adapter uses of a better-sqlite3 statement. */
interface SqliteStatement {
  reader: boolean;
  columns(): unknown[];
  raw(on?: boolean): SqliteStatement;
  all(...args: unknown[]): unknown[];
  run(...args: unknown[]): unknown;
  bind(...args: unknown[]): SqliteStatement;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

/**
 * The adapter prepares every statement it runs (`client.prepare(sql).bind(args)`), and SQLite's
 * prepare parses and plans the SQL each time: 50–170 µs a statement, a millisecond or two of a
 * contact card's twenty statements (bench/README.md, "Contacts, companies and tasks"). This keeps
 * the last PREPARED_STATEMENTS_KEPT statements by their SQL and hands the adapter a statement
 * whose `bind` only remembers the arguments, passed to the kept statement when it runs (a
 * better-sqlite3 statement can be bound once only). Statements run synchronously to the end, so
 * one kept statement is never in use twice at a time; SQLite re-prepares a kept statement itself
 * when a migration changes the schema under it.
 */
function keepStatementsPrepared(connection: SqliteConnection): void {
  const prepare = connection.prepare.bind(connection);
  const kept = new Map<string, SqliteStatement>();
  connection.prepare = (sql: string): SqliteStatement => {
    let stmt = kept.get(sql);
    if (stmt) {
      kept.delete(sql);
    } else {
      stmt = prepare(sql);
      if (kept.size >= PREPARED_STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
    }
    kept.set(sql, stmt);
    const statement = stmt;
    const bound = (args: unknown[]): SqliteStatement => ({
      reader: statement.reader,
      columns: () => statement.columns(),
      raw: () => ({ ...bound(args), all: () => statement.raw(true).all(...args) }),
      all: () => statement.raw(false).all(...args),
      run: () => statement.run(...args),
      bind: () => {
        throw new TypeError('The statement is already bound');
      },
    });
    return { ...bound([]), bind: (...args: unknown[]) => bound(args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args) };
  };
}

function fairAndIsolated(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    keepStatementsPrepared((adapter as unknown as { client: SqliteConnection }).client);
    let transactions = 0; // open, or waiting for the driver's lock to open
    let waiting: (() => void)[] = [];
    const release = () => {
      transactions--;
      if (transactions > 0) return;
      const wake = waiting;
      waiting = [];
      for (const resume of wake) resume();
    };
    const outsideTransactions = async () => {
      await oneQueryPerTurn();
      while (transactions > 0) await new Promise<void>((resume) => waiting.push(resume));
    };
    const queryRaw = adapter.queryRaw.bind(adapter);
    const executeRaw = adapter.executeRaw.bind(adapter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.queryRaw = async (query) => {
      await outsideTransactions();
      return queryRaw(query);
    };
    adapter.executeRaw = async (query) => {
      await outsideTransactions();
      return executeRaw(query);
    };
    adapter.startTransaction = async (isolationLevel) => {
      transactions++;
      let tx: Awaited<ReturnType<typeof startTransaction>>;
      try {
        tx = await startTransaction(isolationLevel);
      } catch (err) {
        release();
        throw err;
      }
      let ended = false;
      const thenRelease = (finish: () => Promise<void>) => async () => {
        try {
          await finish();
        } finally {
          if (!ended) {
            ended = true;
            release();
          }
        }
      };
      tx.commit = thenRelease(tx.commit.bind(tx));
      tx.rollback = thenRelease(tx.rollback.bind(tx));
      return tx;
    };
    return adapter;
  };
  return factory;
}

/** SQLite waits this long for a competing writer (a job worker, say) before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * `PRAGMA synchronous` in WAL mode. FULL syncs the WAL at every commit, so a committed write
 * survives a power cut; NORMAL syncs at checkpoints only: a process crash (SIGKILL, OOM) still
 * loses nothing, the file is never corrupted, but a power cut or kernel panic can undo the
 * commits since the last checkpoint. NORMAL, because FULL cost more than the 1 ms per write at
 * p50 that it was allowed (bench/sqlite-sync.ts; figures and reasoning in docs/database.md,
 * "Power cuts").
 */
export const SQLITE_SYNCHRONOUS: 'FULL' | 'NORMAL' = 'NORMAL';

export async function openDatabase(urlOrTarget: string | DatabaseTarget): Promise<DbHandle> {
  const target = typeof urlOrTarget === 'string' ? parseDatabaseUrl(urlOrTarget) : urlOrTarget;
  let db: Db;
  if (target.provider === 'sqlite') {
    if (target.sqlitePath !== ':memory:') mkdirSync(path.dirname(target.sqlitePath), { recursive: true });
    db = new SqliteClient({
      adapter: fairAndIsolated(new PrismaBetterSqlite3({ url: target.sqlitePath, timeout: SQLITE_BUSY_TIMEOUT_MS })),
    });
    // WAL lets readers run beside one writer (other processes on the file included).
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$queryRawUnsafe(`PRAGMA synchronous = ${SQLITE_SYNCHRONOUS}`);
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
