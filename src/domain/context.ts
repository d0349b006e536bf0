import pRetry, { AbortError } from 'p-retry';
import { isSqliteClient, type Db, type Tx } from '../db/client.js';
import { DomainError, DomainErrorCode } from './errors.js';
import type { Clock } from './ports.js';
import type { Role } from './shared/roles.js';

/** What every domain service is built from. */
export interface DomainDeps {
  db: Db;
  clock: Clock;
  /** Where list and queue counts stop and read "N+" (domain/shared/count.ts; COUNT_CAP unless set). */
  countCap?: number;
}

/**
 * Who is acting, in which workspace. Every query a service runs is scoped by `workspaceId`: a
 * surface resolves it from the platform's team/tenant id, never from user input.
 */
export interface Actor {
  workspaceId: string;
  memberId: string;
  /** The person's IANA time zone: "today" and relative dates are read in it. */
  timeZone: string;
  /**
   * The member's role when this actor was resolved (for a surface to word its answers). The
   * services never trust it: their guards (shared/roles.ts) read the stored role.
   */
  role?: Role;
}

export type { Db, Tx };

/**
 * Runs `fn` in one transaction: every write of a use case commits together or not at all.
 *
 * SQLite: the driver opens transactions with a plain (deferred) BEGIN, so a transaction that
 * reads before it writes could find another process (a job worker) has written meanwhile, and
 * fail at once instead of waiting. Taking the write lock first makes writers queue behind the
 * busy timeout instead; a transaction that still times out is retried from the start.
 */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const sqlite = isSqliteClient(db);
  const attempt = () =>
    db.$transaction(
      async (tx) => {
        if (sqlite) await tx.$executeRawUnsafe('UPDATE "Workspace" SET "id" = "id" WHERE 1 = 0');
        return fn(tx);
      },
      { maxWait: 10_000, timeout: 20_000 },
    );
  if (!sqlite) return attempt();
  return pRetry(
    async () => {
      try {
        return await attempt();
      } catch (err) {
        throw isBusy(err) ? err : new AbortError(err as Error);
      }
    },
    { retries: 4, minTimeout: 50, maxTimeout: 1000, randomize: true },
  );
}

/**
 * One write statement that is atomic on its own (an insert guarded by a unique key, an update
 * whose WHERE carries the condition): it needs no transaction, and a transaction would only add
 * round trips. SQLite's busy errors are retried as in `inTransaction`. As soon as a write depends
 * on something read before it, use `inTransaction`.
 */
export function singleWrite<T>(db: Db, fn: (db: Db) => Promise<T>): Promise<T> {
  if (!isSqliteClient(db)) return fn(db);
  return pRetry(
    async () => {
      try {
        return await fn(db);
      } catch (err) {
        throw isBusy(err) ? err : new AbortError(err as Error);
      }
    },
    { retries: 4, minTimeout: 50, maxTimeout: 1000, randomize: true },
  );
}

/** SQLite's "database is locked", as the driver adapter reports it. */
function isBusy(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === 'P1008' || /database is locked|SQLITE_BUSY|timed out/i.test(String(e?.message ?? ''));
}

/** True when a Prisma error is a unique-constraint violation (a retried delivery, a duplicate). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

/** What a person is told when a write lost a race on a unique key and nothing could be read back. */
export const RACE_LOST_MESSAGE = 'Someone else saved the same thing at the same moment, so nothing was changed. Please try again.';

/**
 * Runs `write`, which a unique key guards. When a concurrent writer took the key first, the
 * answer is `taken()`: the record the other writer made (an idempotent result), or a
 * DomainError (Duplicate) that names it. When `taken()` finds nothing either, a Conflict with
 * `conflict` as its words: never the database's own error. Call it outside the transaction
 * (on PostgreSQL a failed statement ends the transaction it ran in).
 */
export async function onUniqueViolation<T>(
  write: () => Promise<T>,
  taken: () => Promise<T | undefined>,
  conflict: string = RACE_LOST_MESSAGE,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    let answer: T | undefined;
    try {
      answer = await taken();
    } catch (again) {
      if (!isUniqueViolation(again)) throw again;
    }
    if (answer !== undefined) return answer;
    throw new DomainError(DomainErrorCode.Conflict, conflict);
  }
}

/**
 * Inside a transaction, waits for and then holds (until it ends) a lock named by `key`, so that
 * transactions that read something and then write what depends on it (find a company by name,
 * else create it) run one after another. PostgreSQL: a transaction-scoped advisory lock. SQLite:
 * nothing to do, `inTransaction` already takes the one write lock before the first read.
 */
export async function lockKey(db: Db, tx: Tx, key: string): Promise<void> {
  if (!takesRowLocks(db)) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}::text, 0))`;
}

/**
 * True on PostgreSQL, where a transaction must lock what it reads to decide a write (`FOR
 * UPDATE`, `lockKey`); false on SQLite, whose writers already run one at a time. A client made
 * with `$extends` (a test's failing client) is not the one `openDatabase` registered, so its
 * provider is read from Prisma's client as well.
 */
export function takesRowLocks(db: Db): boolean {
  return !isSqliteClient(db) && (db as { _activeProvider?: unknown })._activeProvider !== 'sqlite';
}
