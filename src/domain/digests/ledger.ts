/**
 * The run ledger: one row per delivery (a digest for a channel, a nudge for a member) and local
 * date, unique on (kind, subject, localDate). It is what makes each delivery post once:
 *
 *   (none) ──claim──► claimed ──► sending ──► sent
 *                        │           ├──────► retry  (429/5xx: again after nextAttemptAt)
 *                        │           └──────► failed (permanent, or out of attempts)
 *                        └──► skipped (nothing to say)
 *
 * - `claim` creates the row (one insert: the unique key lets exactly one of two racing
 *   schedulers create it) or, in one transaction, takes over a row whose holder is gone (status
 *   claimed or sending with `claimedAt` older than the lease: a crashed or killed run) or whose
 *   retry time has come. Takeover is a compare-and-set on the previous `claimToken`, so of two
 *   runs taking over the same row only one wins.
 *   The compare-and-set also names the `claimedAt` it read, so a holder that renewed its claim
 *   in between (see `sending`) keeps it.
 * - Every later write is conditional on the caller's token: a run that lost its claim (it was
 *   too slow and someone took over) finds out and stops. `sending` is that check made right
 *   before each post, and it renews the lease (`claimedAt` = now): a post only goes out under a
 *   claim renewed just before it, which nobody can take over for a whole lease. `sent` after a
 *   takeover matches no row, so it never marks another run's claim.
 * - `sendingAt` marks a send whose outcome is unknown (set before the send, cleared when the
 *   platform answered either way). A run that finds it set asks the notifier whether that send
 *   got through (`Notifier.findSent`) before sending again.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryLedger } from '../../generated/sqlite/client.js';
import { inTransaction, isUniqueViolation, singleWrite, type Db } from '../context.js';

/** `handover`: one admin's message about a member who left (src/domain/identity/handover.offers.ts). */
export type DeliveryKind = 'digest' | 'nudge' | 'handover';
export type DeliveryStatus = 'claimed' | 'sending' | 'sent' | 'retry' | 'skipped' | 'failed';
/** Statuses after which nothing more happens for that date. */
export const FINAL_STATUSES: readonly DeliveryStatus[] = ['sent', 'skipped', 'failed'];

export interface LedgerKey {
  kind: DeliveryKind;
  subject: string;
  localDate: string;
}

export interface Claim {
  id: string;
  token: string;
  key: LedgerKey;
  attempts: number;
  /** Set when an earlier attempt's send may have got through: check before sending again. */
  uncertainSince: Date | null;
  /** True when this claim took over from a run that died or gave up. */
  takenOver: boolean;
}

export interface LedgerOptions {
  /** How long a claim is held before another run may take it over. */
  leaseMs: number;
}

export class DeliveryLedgerStore {
  constructor(
    private readonly db: Db,
    private readonly opts: LedgerOptions,
  ) {}

  get leaseMs(): number {
    return this.opts.leaseMs;
  }

  /** Claims a delivery for this run, or returns null when another run has it or it is done. */
  async claim(workspaceId: string, key: LedgerKey, now: Date): Promise<Claim | null> {
    const token = randomUUID();
    // The usual case, the day's first claim: one insert, which the unique key admits once.
    try {
      const created = await singleWrite(this.db, (db) =>
        db.deliveryLedger.create({
          data: { workspaceId, ...key, status: 'claimed', claimToken: token, claimedAt: now, attempts: 1 },
          select: { id: true },
        }),
      );
      return { id: created.id, token, key, attempts: 1, uncertainSince: null, takenOver: false };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    // The row exists: done, held by another run, or abandoned (taken over in one transaction).
    try {
      return await inTransaction(this.db, async (tx) => {
        const row = await tx.deliveryLedger.findUnique({ where: { kind_subject_localDate: key } });
        if (!row) {
          const created = await tx.deliveryLedger.create({
            data: { workspaceId, ...key, status: 'claimed', claimToken: token, claimedAt: now, attempts: 1 },
          });
          return { id: created.id, token, key, attempts: 1, uncertainSince: null, takenOver: false };
        }
        if (!this.claimable(row, now)) return null;
        const { count } = await tx.deliveryLedger.updateMany({
          // Also on claimedAt: a holder that renewed its claim since our read keeps it.
          where: { id: row.id, claimToken: row.claimToken, status: row.status, claimedAt: row.claimedAt },
          data: { status: 'claimed', claimToken: token, claimedAt: now, attempts: { increment: 1 }, nextAttemptAt: null },
        });
        if (count !== 1) return null;
        return { id: row.id, token, key, attempts: row.attempts + 1, uncertainSince: row.sendingAt, takenOver: true };
      });
    } catch (err) {
      // Another scheduler created the row between our read and our insert: it is theirs.
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** Whether a row may be (re)claimed at `now`. */
  claimable(row: Pick<DeliveryLedger, 'status' | 'claimedAt' | 'nextAttemptAt'>, now: Date): boolean {
    switch (row.status as DeliveryStatus) {
      case 'claimed':
      case 'sending':
        return row.claimedAt.getTime() + this.opts.leaseMs <= now.getTime();
      case 'retry':
        return !row.nextAttemptAt || row.nextAttemptAt.getTime() <= now.getTime();
      default:
        return false;
    }
  }

  /**
   * Records that a send is about to start (its outcome is unknown until `sent` or a definite
   * failure) and renews the lease: call it right before each post, after any wait. One conditional
   * update on the caller's token that moves `claimedAt` to `now`; false when the claim was lost
   * (taken over by another run), and then the caller must not post.
   */
  async sending(claim: Claim, now: Date, details: { conversationId: string; periodStart?: Date; periodEnd?: Date }): Promise<boolean> {
    return this.update(claim, {
      status: 'sending',
      claimedAt: now,
      sendingAt: claim.uncertainSince ?? now,
      conversationId: details.conversationId,
      ...(details.periodStart && { periodStart: details.periodStart }),
      ...(details.periodEnd && { periodEnd: details.periodEnd }),
    });
  }

  /**
   * The platform took the message. Only the run holding the claim can record it: after a takeover
   * the token no longer matches and nothing changes (false), whatever the slower run posted.
   */
  async sent(claim: Claim, details: { messageId: string; conversationId?: string }): Promise<boolean> {
    return this.update(claim, {
      status: 'sent',
      sendingAt: null,
      messageId: details.messageId,
      ...(details.conversationId && { conversationId: details.conversationId }),
      detail: null,
    });
  }

  async skipped(claim: Claim, reason: string, period?: { periodStart: Date; periodEnd: Date }): Promise<boolean> {
    return this.update(claim, { status: 'skipped', detail: reason, sendingAt: claim.uncertainSince, ...period });
  }

  /**
   * A failed attempt: `retry` at `nextAttemptAt`, or `failed` for good. `maybeDelivered` keeps the
   * row marked uncertain (the platform may have posted it), otherwise it goes back to what it was
   * before this attempt.
   */
  async failed(claim: Claim, error: string, opts: { nextAttemptAt?: Date; maybeDelivered: boolean; now: Date }): Promise<boolean> {
    return this.update(claim, {
      status: opts.nextAttemptAt ? 'retry' : 'failed',
      nextAttemptAt: opts.nextAttemptAt ?? null,
      detail: error.slice(0, 500),
      sendingAt: opts.maybeDelivered ? (claim.uncertainSince ?? opts.now) : claim.uncertainSince,
    });
  }

  /**
   * Hands a delivery back without having tried it (the platform asked this process to wait longer
   * than it may hold a claim): `retry` from `nextAttemptAt`, for any run. Not counted as an attempt.
   */
  async requeue(claim: Claim, reason: string, nextAttemptAt: Date): Promise<boolean> {
    return this.update(claim, {
      status: 'retry',
      nextAttemptAt,
      detail: reason.slice(0, 500),
      sendingAt: claim.uncertainSince,
      attempts: { decrement: 1 },
    });
  }

  /** Lets go of a claim after an unexpected error, so that the next tick tries again at once. */
  async release(claim: Claim, error: string, now: Date): Promise<boolean> {
    return this.update(claim, { status: 'retry', nextAttemptAt: now, detail: error.slice(0, 500) });
  }

  /** Rows already there for these subjects and dates (to skip what is done without a claim). */
  async existing(kind: DeliveryKind, subjects: string[], dates: string[]) {
    if (subjects.length === 0) return [];
    const rows: Pick<DeliveryLedger, 'subject' | 'localDate' | 'status' | 'claimedAt' | 'nextAttemptAt'>[] = [];
    for (let i = 0; i < subjects.length; i += 500) {
      rows.push(
        ...(await this.db.deliveryLedger.findMany({
          where: { kind, subject: { in: subjects.slice(i, i + 500) }, localDate: { in: dates } },
          select: { subject: true, localDate: true, status: true, claimedAt: true, nextAttemptAt: true },
        })),
      );
    }
    return rows;
  }

  /** The latest finished digest for a subject before `localDate`: where the next one's changes start. */
  async previousPeriodEnd(kind: DeliveryKind, subject: string, localDate: string): Promise<Date | null> {
    const row = await this.db.deliveryLedger.findFirst({
      where: { kind, subject, localDate: { lt: localDate }, status: { in: ['sent', 'skipped'] }, periodEnd: { not: null } },
      orderBy: { localDate: 'desc' },
      select: { periodEnd: true },
    });
    return row?.periodEnd ?? null;
  }

  async latest(kind: DeliveryKind, subject: string) {
    return this.db.deliveryLedger.findFirst({ where: { kind, subject }, orderBy: { localDate: 'desc' } });
  }

  /** Deletes rows older than `before` (the ledger only needs recent days). */
  async prune(before: Date): Promise<number> {
    const { count } = await this.db.deliveryLedger.deleteMany({ where: { createdAt: { lt: before } } });
    return count;
  }

  private async update(claim: Claim, data: Parameters<Db['deliveryLedger']['updateMany']>[0]['data']): Promise<boolean> {
    // Conditional on the caller's token: one statement, atomic on its own.
    const { count } = await singleWrite(this.db, (db) =>
      db.deliveryLedger.updateMany({ where: { id: claim.id, claimToken: claim.token }, data }),
    );
    return count === 1;
  }
}
