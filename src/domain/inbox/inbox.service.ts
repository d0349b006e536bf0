/**
 * The inbox of deliveries already taken in: what makes a platform's retried delivery (Slack's
 * Events API retries the same `event_id` up to three times, sometimes while the first delivery is
 * still being handled) do its work once, across every replica sharing the database.
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
import { isUniqueViolation, singleWrite, type DomainDeps } from '../context.js';
import { parseInput } from '../shared/validate.js';

export const INBOX_KINDS = ['event', 'command', 'action', 'submission'] as const;
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

export class InboxService {
  private lastPruneAt: number | undefined;

  constructor(private readonly deps: DomainDeps) {}

  /** True when this delivery is the first with `key` (do the work); false when it was seen before (skip it). */
  async claim(key: string, kind: InboxKind): Promise<boolean> {
    const data = parseInput(claimSchema, { key, kind });
    const now = this.deps.clock.now();
    try {
      await singleWrite(this.deps.db, (db) =>
        db.inboxItem.create({ data: { key: data.key, kind: data.kind, status: 'pending', receivedAt: now }, select: { id: true } }),
      );
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const abandoned = await singleWrite(this.deps.db, (db) =>
      db.inboxItem.updateMany({
        where: { key: data.key, status: 'pending', receivedAt: { lt: new Date(now.getTime() - INBOX_CLAIM_LEASE_MS) } },
        data: { receivedAt: now },
      }),
    );
    return abandoned.count === 1;
  }

  /** Marks a claimed delivery's work as done: later deliveries with its key stay skipped. */
  async complete(key: string): Promise<void> {
    const now = this.deps.clock.now();
    await singleWrite(this.deps.db, (db) =>
      db.inboxItem.updateMany({ where: { key, status: 'pending' }, data: { status: 'done', doneAt: now } }),
    );
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
