/**
 * Channel digests: who gets one (subscriptions, one per conversation), the workspace's settings
 * for them, and building one. Posting is the delivery runner's (delivery.runner.ts).
 */
import type { DigestSubscription } from '../../generated/sqlite/client.js';
import { inTransaction, onUniqueViolation, type Actor, type DomainDeps } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { DealView } from '../deals/deal.view.js';
import type { ReportService } from '../reports/report.service.js';
import { DAY_MS } from '../shared/dates.js';
import type { Money } from '../shared/money.js';
import { parseInput } from '../shared/validate.js';
import { requireAdmin, requireWriter } from '../shared/roles.js';
import {
  staleDaysSchema,
  staleThresholdSchema,
  subscribeDigestSchema,
  type SubscribeDigestInput,
} from './digest.schema.js';
import type { DigestSettingsView, DigestSubscriptionView, DigestView, WhenEmpty } from './digest.view.js';
import type { DeliveryLedgerStore } from './ledger.js';
import { formatMinuteOfDay, localTime, nextDigestDate, type DigestDays } from './schedule.js';

/** How many deals a digest lists per section (the rest are counted). */
export const DIGEST_LIMITS = { stale: 8, due: 10, changes: 8 } as const;

/** A deal view as read on `date`: whether its next action is due today or overdue. */
function onDate(deal: DealView, date: string): DealView {
  const next = deal.nextAction;
  if (!next?.due) return deal;
  const overdue = next.due < date;
  const dueToday = next.due === date;
  return overdue === next.overdue && dueToday === next.dueToday ? deal : { ...deal, nextAction: { ...next, overdue, dueToday } };
}

/** The ledger subject of a conversation's digest. */
export const digestSubject = (s: Pick<DigestSubscription, 'workspaceId' | 'conversationId'>) => `${s.workspaceId}:${s.conversationId}`;

/**
 * Answers shared by the digests of one run: the channels of one workspace on the same local date
 * see the same stale deals, next actions due, changes and pipeline, so each is read once per run.
 */
export type DigestMemo = Map<string, Promise<unknown>>;

export class DigestService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly reports: ReportService,
    private readonly ledger: DeliveryLedgerStore,
  ) {}

  /**
   * Subscribes a conversation (or changes its settings): only what is given changes. Two people
   * subscribing one conversation at once: one creates it, the other's settings (if any) are
   * applied to it, `created` false, and neither sees the conversation's unique key.
   */
  async subscribe(actor: Actor, input: SubscribeDigestInput): Promise<{ subscription: DigestSubscriptionView; created: boolean }> {
    await requireWriter(actor, this.deps);
    const data = parseInput(subscribeDigestSchema, input);
    const where = { workspaceId_conversationId: { workspaceId: actor.workspaceId, conversationId: data.conversationId } };
    const changes = {
      ...(data.minuteOfDay !== undefined && { minuteOfDay: data.minuteOfDay }),
      ...(data.days && { days: data.days }),
      ...(data.timeZone && { timezone: data.timeZone }),
      ...(data.whenEmpty && { whenEmpty: data.whenEmpty }),
    };
    const save = () => inTransaction(this.deps.db, async (tx) => {
      const existing = await tx.digestSubscription.findUnique({ where });
      if (existing) {
        if (existing.platform !== data.platform) {
          throw new DomainError(DomainErrorCode.Conflict, 'That conversation belongs to another platform.');
        }
        return { row: await tx.digestSubscription.update({ where: { id: existing.id }, data: changes }), created: false };
      }
      const row = await tx.digestSubscription.create({
        data: {
          workspaceId: actor.workspaceId,
          platform: data.platform,
          conversationId: data.conversationId,
          timezone: actor.timeZone,
          createdById: actor.memberId,
          createdAt: this.deps.clock.now(),
          ...changes,
        },
      });
      return { row, created: true };
    });
    // Created by someone else since it was read: saved again, now as a change to theirs.
    const { row, created } = await onUniqueViolation(save, save);
    return { subscription: await this.subscriptionView(row), created };
  }

  /** Stops a conversation's digest. False when it had none. */
  async unsubscribe(actor: Actor, conversationId: string): Promise<boolean> {
    await requireWriter(actor, this.deps);
    const { count } = await inTransaction(this.deps.db, (tx) =>
      tx.digestSubscription.deleteMany({ where: { workspaceId: actor.workspaceId, conversationId } }),
    );
    return count > 0;
  }

  async setStaleDays(actor: Actor, days: number): Promise<void> {
    await requireAdmin(actor, this.deps, 'change the digest’s stale period');
    const value = parseInput(staleDaysSchema, days);
    await inTransaction(this.deps.db, (tx) => tx.workspace.update({ where: { id: actor.workspaceId }, data: { staleDays: value } }));
  }

  /** Stale deals at or above `amount` come first in digests; null turns that off. */
  async setStaleThreshold(actor: Actor, amount: Money | null): Promise<void> {
    await requireAdmin(actor, this.deps, 'change the digest’s stale threshold');
    const value = parseInput(staleThresholdSchema, amount);
    await inTransaction(this.deps.db, async (tx) => {
      const ws = await tx.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { defaultCurrency: true } });
      if (value && value.currency !== ws.defaultCurrency) {
        throw new DomainError(DomainErrorCode.InvalidInput, `The threshold is in the workspace currency, ${ws.defaultCurrency}.`, { field: 'amount' });
      }
      await tx.workspace.update({ where: { id: actor.workspaceId }, data: { staleAmountThresholdCents: value?.minor ?? null } });
    });
  }

  /** This conversation's subscription (if any), the other subscribed conversations, the workspace's settings. */
  async settings(actor: Actor, conversationId?: string): Promise<DigestSettingsView> {
    const [ws, subs] = await Promise.all([
      this.deps.db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } }),
      this.deps.db.digestSubscription.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { createdAt: 'asc' }, take: 50 }),
    ]);
    const views = await Promise.all(subs.map((s) => this.subscriptionView(s)));
    return {
      conversationId: conversationId ?? null,
      here: views.find((v) => v.conversationId === conversationId) ?? null,
      others: views.filter((v) => v.conversationId !== conversationId),
      staleDays: ws.staleDays,
      staleThreshold: ws.staleAmountThresholdCents === null ? null : { minor: ws.staleAmountThresholdCents, currency: ws.defaultCurrency },
    };
  }

  /** Every subscription on these platforms (the runner decides which are due). */
  async subscriptions(platforms: readonly string[]): Promise<DigestSubscription[]> {
    return this.deps.db.digestSubscription.findMany({ where: { platform: { in: [...platforms] } } });
  }

  /**
   * Today's digest for a conversation as it would be posted now, changes over the last day (or
   * since the last digest), for `/deal digest preview`.
   */
  async preview(actor: Actor, conversationId?: string): Promise<DigestView> {
    const sub = conversationId
      ? await this.deps.db.digestSubscription.findUnique({
          where: { workspaceId_conversationId: { workspaceId: actor.workspaceId, conversationId } },
        })
      : null;
    const timeZone = sub?.timezone ?? actor.timeZone;
    const now = this.deps.clock.now();
    const date = localTime(timeZone, now).date;
    const since = (sub && (await this.ledger.previousPeriodEnd('digest', digestSubject(sub), date))) ?? new Date(now.getTime() - DAY_MS);
    return this.build({ workspaceId: actor.workspaceId, timeZone }, { date, since, now });
  }

  /** The digest of one workspace, read in `timeZone`, with the changes in (since, now]. */
  async build(
    target: { workspaceId: string; timeZone: string },
    at: { date: string; since: Date; now: Date },
    memo: DigestMemo = new Map(),
  ): Promise<DigestView> {
    const { workspaceId, timeZone } = target;
    // Reports read with the digest's time zone; no member is acting.
    const reader: Actor = { workspaceId, memberId: '', timeZone };
    const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
      let hit = memo.get(key) as Promise<T> | undefined;
      if (!hit) memo.set(key, (hit = load()));
      return hit;
    };
    const ws = await once(`ws:${workspaceId}`, () => this.deps.db.workspace.findUniqueOrThrow({ where: { id: workspaceId } }));
    const threshold = ws.staleAmountThresholdCents === null ? null : { minor: ws.staleAmountThresholdCents, currency: ws.defaultCurrency };
    // Stale deals, changes and the pipeline do not depend on the reader's date: one read per
    // workspace and run. Next actions due do ("due today"): one read per workspace and local date.
    // Deal views depend on the zone only through its date, fixed below with `onDate`.
    const [stale, due, changes, pipeline] = await Promise.all([
      once(`stale:${workspaceId}`, () => this.reports.staleDeals(reader, { days: ws.staleDays, threshold, limit: DIGEST_LIMITS.stale })),
      once(`due:${workspaceId}:${at.date}`, () => this.reports.nextActionsDue(reader, { limit: DIGEST_LIMITS.due })),
      once(`changes:${workspaceId}:${at.since.getTime()}`, () => this.reports.changesSince(reader, at.since, at.now, DIGEST_LIMITS.changes)),
      once(`pipeline:${workspaceId}`, () => this.reports.openPipeline(reader)),
    ]);
    const dated = (d: DealView) => onDate(d, at.date);
    return {
      workspaceName: ws.name,
      date: at.date,
      timeZone,
      generatedAt: at.now,
      since: at.since,
      allClear: stale.total === 0 && due.total === 0 && changes.total === 0,
      stale: { items: stale.items.map(dated), total: stale.total, totalCapped: stale.totalCapped, days: stale.days, threshold, aboveThreshold: stale.aboveThreshold },
      due: { items: due.items.map(dated), total: due.total, totalCapped: due.totalCapped },
      changes: {
        total: changes.total,
        won: changes.won.map((c) => ({ ...c, deal: dated(c.deal) })),
        lost: changes.lost.map((c) => ({ ...c, deal: dated(c.deal) })),
        moved: changes.moved.map((c) => ({ ...c, deal: dated(c.deal) })),
      },
      pipeline,
    };
  }

  private async subscriptionView(s: DigestSubscription): Promise<DigestSubscriptionView> {
    const last = await this.ledger.latest('digest', digestSubject(s));
    return {
      platform: s.platform,
      conversationId: s.conversationId,
      minuteOfDay: s.minuteOfDay,
      time: formatMinuteOfDay(s.minuteOfDay),
      days: s.days as DigestDays,
      timeZone: s.timezone,
      whenEmpty: s.whenEmpty as WhenEmpty,
      nextDate: nextDigestDate({ minuteOfDay: s.minuteOfDay, days: s.days as DigestDays, timeZone: s.timezone }, this.deps.clock.now()),
      last: last ? { date: last.localDate, status: last.status, detail: last.detail, at: last.updatedAt } : null,
    };
  }
}
