/**
 * The inbox of deliveries already taken in: what makes a platform's retried delivery (Slack's
 * Events API retries the same `event_id` up to three times, sometimes while the first delivery is
 * still being handled) do its work once, across every replica sharing the database; and what
 * makes an acknowledged command, button or submission durable (`accept` records it with its
 * payload before the acknowledgement; after a crash `abandoned` + `takeOver` find it again).
 *
 *   (none) ──claim──► pending ──complete──► done
 *                        └──release──► (none)   the work failed: a later delivery may try again
 *
 * - `claim` is one insert guarded by the unique key: of two deliveries racing, in one process or
 *   two, exactly one inserts; the other hits the unique key and is told "seen". A pending row
 *   older than the lease (its holder died mid-way) is taken over by one conditional update.
 * - Rows older than the retention are pruned now and then (`pruneIfDue`): a platform's retries
 *   end within minutes, so a week is generous.
 */
import { z } from 'zod';
import { firstInLine } from '../../db/client.js';
import { isUniqueViolation, singleWrite, type DomainDeps } from '../context.js';
import { parseInput } from '../shared/validate.js';

export const INBOX_KINDS = ['event', 'command', 'action', 'submission', 'shortcut'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

/** How long a claimed delivery is remembered. */
export const INBOX_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** How often one process prunes rows older than the retention. */
export const INBOX_PRUNE_INTERVAL_MS = 60 * 60_000;
/** How long a pending claim is held before a later delivery may take it over (its holder died). */
export const INBOX_CLAIM_LEASE_MS = 2 * 60_000;
export const INBOX_KEY_MAX_LENGTH = 255;

const claimSchema = z.object({
  key: z.string().min(1).max(INBOX_KEY_MAX_LENGTH),
  kind: z.enum(INBOX_KINDS),
});

/** Largest request kept for finishing after a crash (Slack's payloads are a few kilobytes). */
export const INBOX_PAYLOAD_MAX = 100_000;

const acceptSchema = claimSchema.extend({ payload: z.string().max(INBOX_PAYLOAD_MAX) });
type AcceptRow = z.infer<typeof acceptSchema> & { status: 'pending'; receivedAt: Date; claimedAt: Date };

/** Most requests recorded by one insert (a few kilobytes each). */
export const INBOX_ACCEPT_BATCH_MAX = 100;

export interface AbandonedItem {
  key: string;
  kind: InboxKind;
  payload: string;
  receivedAt: Date;
  attempts: number;
}

export class InboxService {
  private lastPruneAt: number | undefined;

  constructor(private readonly deps: DomainDeps) {}

  /** True when this delivery is the first with `key` (do the work); false when it was seen before (skip it). */
  async claim(key: string, kind: InboxKind): Promise<boolean> {
    const data = parseInput(claimSchema, { key, kind });
    const now = this.deps.clock.now();
    try {
      await singleWrite(this.deps.db, (db) =>
        db.inboxItem.create({ data: { key: data.key, kind: data.kind, status: 'pending', receivedAt: now, claimedAt: now }, select: { id: true } }),
      );
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    return this.takeOver(data.key, INBOX_CLAIM_LEASE_MS);
  }

  /**
   * Records an acknowledged request with what is needed to finish it after a crash.
   * False when a request with this key was recorded before (a redelivery): do not do it again.
   *
   * Requests arriving while a record is being written are written together next, in one
   * multi-row insert: under a burst, hundreds of acknowledgements then wait for a few writes
   * (one commit each) instead of hundreds, each behind the running work's queries for a turn
   * (SQLite) or a pooled connection (PostgreSQL). Figures: bench/README.md, "Slack inbox".
   */
  accept(key: string, kind: InboxKind, payload: string): Promise<boolean> {
    const data = parseInput(acceptSchema, { key, kind, payload });
    const now = this.deps.clock.now();
    return new Promise<boolean>((resolve, reject) => {
      this.toAccept.push({ row: { ...data, status: 'pending', receivedAt: now, claimedAt: now }, resolve, reject });
      this.accepting ??= this.writeAccepted().finally(() => (this.accepting = undefined));
    });
  }

  private readonly toAccept: { row: AcceptRow; resolve: (fresh: boolean) => void; reject: (err: unknown) => void }[] = [];
  private accepting: Promise<void> | undefined;

  /** Writes what `accept` gathered, batch after batch, until nothing is waiting. Never rejects. */
  private async writeAccepted(): Promise<void> {
    while (this.toAccept.length > 0) {
      const batch = this.toAccept.splice(0, INBOX_ACCEPT_BATCH_MAX);
      try {
        // The acknowledgements wait on this write: on SQLite it goes before the work's queries.
        await firstInLine(() => singleWrite(this.deps.db, (db) => db.inboxItem.createMany({ data: batch.map((b) => b.row) })));
        for (const b of batch) b.resolve(true);
      } catch (err) {
        if (!isUniqueViolation(err) || batch.length === 1) {
          for (const b of batch) {
            if (isUniqueViolation(err)) b.resolve(false);
            else b.reject(err);
          }
          continue;
        }
        // A redelivery among them: one at a time, so that only it is told "seen".
        for (const b of batch) {
          try {
            await firstInLine(() => singleWrite(this.deps.db, (db) => db.inboxItem.create({ data: b.row, select: { id: true } })));
            b.resolve(true);
          } catch (oneErr) {
            if (isUniqueViolation(oneErr)) b.resolve(false);
            else b.reject(oneErr);
          }
        }
      }
    }
  }

  /**
   * Takes over a pending request whose holder has not finished it within `leaseMs` (it died):
   * one conditional update, so of two processes trying, one wins. Counts the attempt.
   */
  async takeOver(key: string, leaseMs: number): Promise<boolean> {
    const now = this.deps.clock.now();
    const taken = await singleWrite(this.deps.db, (db) =>
      db.inboxItem.updateMany({
        where: { key, status: 'pending', OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - leaseMs) } }] },
        data: { claimedAt: now, attempts: { increment: 1 } },
      }),
    );
    return taken.count === 1;
  }

  /** Pending requests nobody has held for `leaseMs` (their process died or stopped), oldest first. */
  async abandoned(leaseMs: number, limit = 50): Promise<AbandonedItem[]> {
    const now = this.deps.clock.now();
    return this.deps.db.inboxItem.findMany({
      where: { status: 'pending', payload: { not: null }, OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - leaseMs) } }] },
      orderBy: { receivedAt: 'asc' },
      take: limit,
      select: { key: true, kind: true, payload: true, receivedAt: true, attempts: true },
    }) as Promise<AbandonedItem[]>;
  }

  /** Gives up the claims on requests this process could not finish (a stop): the next start takes them at once. */
  async letGo(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await singleWrite(this.deps.db, (db) =>
      db.inboxItem.updateMany({ where: { key: { in: keys }, status: 'pending' }, data: { claimedAt: null } }),
    );
  }

  /** Marks a request as failed for good (answered as such), with why; its payload is dropped. */
  async fail(key: string, detail: string): Promise<void> {
    const now = this.deps.clock.now();
    await singleWrite(this.deps.db, (db) =>
      db.inboxItem.updateMany({ where: { key, status: 'pending' }, data: { status: 'failed', doneAt: now, payload: null, detail: detail.slice(0, 500) } }),
    );
  }

  /**
   * Marks a claimed delivery's work as done: later deliveries with its key stay skipped. `detail`
   * says how it ended, for whoever finds the key taken later (`statusOf`).
   */
  async complete(key: string, detail?: string): Promise<void> {
    const now = this.deps.clock.now();
    await singleWrite(this.deps.db, (db) =>
      db.inboxItem.updateMany({
        where: { key, status: 'pending' },
        data: { status: 'done', doneAt: now, payload: null, ...(detail !== undefined && { detail: detail.slice(0, 500) }) },
      }),
    );
  }

  /** Where a key stands (pending, done or failed, and the detail it ended with); undefined when never claimed. */
  async statusOf(key: string): Promise<{ status: 'pending' | 'done' | 'failed'; detail: string | null } | undefined> {
    const row = await this.deps.db.inboxItem.findUnique({ where: { key }, select: { status: true, detail: true } });
    return row ? { status: row.status as 'pending' | 'done' | 'failed', detail: row.detail } : undefined;
  }

  /** Forgets a claim whose work failed, so that a later delivery of the same key is handled. */
  async release(key: string): Promise<void> {
    await singleWrite(this.deps.db, (db) => db.inboxItem.deleteMany({ where: { key, status: 'pending' } }));
  }

  /** Deletes rows received before `before` (the retention ago unless given); returns how many. */
  async prune(before: Date = new Date(this.deps.clock.now().getTime() - INBOX_RETENTION_MS)): Promise<number> {
    const { count } = await singleWrite(this.deps.db, (db) => db.inboxItem.deleteMany({ where: { receivedAt: { lt: before } } }));
    return count;
  }

  /**
   * Prunes when this process has not done so for INBOX_PRUNE_INTERVAL_MS (and on its first call);
   * returns how many rows went, or undefined when it was not due.
   */
  async pruneIfDue(): Promise<number | undefined> {
    const now = this.deps.clock.now().getTime();
    if (this.lastPruneAt !== undefined && now - this.lastPruneAt < INBOX_PRUNE_INTERVAL_MS) return undefined;
    this.lastPruneAt = now;
    return this.prune();
  }
}
