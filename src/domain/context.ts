import type { Db, Tx } from '../db/client.js';
import type { Clock } from './ports.js';

/** What every domain service is built from. */
export interface DomainDeps {
  db: Db;
  clock: Clock;
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
}

export type { Db, Tx };

/** Runs `fn` in one transaction: every write of a use case commits together or not at all. */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(fn, { maxWait: 10_000, timeout: 20_000 });
}

/** True when a Prisma error is a unique-constraint violation (a retried delivery, a duplicate). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
